package dev.preflight.alb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.alb.TargetHealthStateMachine.CheckResult;
import dev.preflight.alb.TargetHealthStateMachine.Transition;
import org.junit.jupiter.api.Test;

class TargetHealthStateMachineTest {
    private static final CheckResult PASS = CheckResult.PASS;
    private static final CheckResult FAIL = CheckResult.failed("Target.ResponseCodeMismatch",
            "Health checks failed with these codes: [500]");

    @Test
    void newTargetNeedsOnePassEvenWithHighHealthyThreshold() {
        TargetHealthStateMachine machine = new TargetHealthStateMachine(5, 2);
        assertThat(machine.health()).isEqualTo(TargetHealth.INITIAL);
        assertThat(machine.onCheck(PASS)).isEqualTo(new Transition(TargetState.INITIAL, TargetState.HEALTHY, null));
    }

    @Test
    void unhealthyAfterThresholdConsecutiveFailuresFromInitialOrHealthy() {
        TargetHealthStateMachine initial = new TargetHealthStateMachine(5, 3);
        assertThat(initial.onCheck(FAIL)).isNull();
        assertThat(initial.onCheck(FAIL)).isNull();
        assertThat(initial.state()).isEqualTo(TargetState.INITIAL);
        assertThat(initial.onCheck(FAIL).to()).isEqualTo(TargetState.UNHEALTHY);

        TargetHealthStateMachine healthy = new TargetHealthStateMachine(5, 2);
        healthy.onCheck(PASS);
        assertThat(healthy.onCheck(FAIL)).isNull();
        assertThat(healthy.onCheck(PASS)).as("a pass resets the failure count").isNull();
        assertThat(healthy.onCheck(FAIL)).isNull();
        Transition down = healthy.onCheck(FAIL);
        assertThat(down).isEqualTo(new Transition(TargetState.HEALTHY, TargetState.UNHEALTHY, "Target.ResponseCodeMismatch"));
        assertThat(healthy.health().description()).contains("[500]");
    }

    @Test
    void recoveryNeedsHealthyThresholdConsecutivePasses() {
        TargetHealthStateMachine machine = new TargetHealthStateMachine(3, 2);
        machine.onCheck(FAIL);
        machine.onCheck(FAIL);
        assertThat(machine.state()).isEqualTo(TargetState.UNHEALTHY);
        assertThat(machine.onCheck(PASS)).isNull();
        assertThat(machine.onCheck(PASS)).isNull();
        assertThat(machine.onCheck(CheckResult.failed("Target.Timeout", "Request timed out"))).isNull();
        assertThat(machine.health().reason()).as("the latest failure shows").isEqualTo("Target.Timeout");
        assertThat(machine.onCheck(PASS)).isNull();
        assertThat(machine.onCheck(PASS)).isNull();
        assertThat(machine.onCheck(PASS)).isEqualTo(new Transition(TargetState.UNHEALTHY, TargetState.HEALTHY, null));
    }

    @Test
    void drainingIgnoresChecksThenUnused() {
        TargetHealthStateMachine machine = new TargetHealthStateMachine(3, 2);
        machine.onCheck(PASS);
        assertThat(machine.drain()).isEqualTo(new Transition(TargetState.HEALTHY, TargetState.DRAINING,
                "Target.DeregistrationInProgress"));
        assertThat(machine.onCheck(FAIL)).isNull();
        assertThat(machine.onCheck(FAIL)).isNull();
        assertThat(machine.state()).isEqualTo(TargetState.DRAINING);
        assertThat(machine.unused().to()).isEqualTo(TargetState.UNUSED);
    }

    @Test
    void statesRenderAsAwsNames() {
        assertThat(TargetState.HEALTHY.toString()).isEqualTo("healthy");
        assertThat(TargetState.UNAVAILABLE.asAws()).isEqualTo("unavailable");
    }
    @Test
    void aProbeOnlyEndsTheInitialStateWithAPass() {
        TargetHealthStateMachine machine = new TargetHealthStateMachine(3, 2);
        machine.onCheck(FAIL);
        for (int i = 0; i < 10; i++) {
            assertThat(machine.onCheck(FAIL, false)).as("failed probes do not count").isNull();
        }
        assertThat(machine.state()).isEqualTo(TargetState.INITIAL);
        assertThat(machine.onCheck(PASS, false).to()).isEqualTo(TargetState.HEALTHY);

        machine.onCheck(FAIL);
        machine.onCheck(FAIL);
        assertThat(machine.state()).isEqualTo(TargetState.UNHEALTHY);
        assertThat(machine.onCheck(PASS, false)).as("recovery needs counted passes").isNull();
        assertThat(machine.state()).isEqualTo(TargetState.UNHEALTHY);
    }
}
