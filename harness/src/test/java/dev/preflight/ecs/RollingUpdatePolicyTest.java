package dev.preflight.ecs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The examples of docs/aws-behaviour.md section 1. */
class RollingUpdatePolicyTest {

    @Test
    void minimumHealthyFiftyOfFourMayStopTwoFirst() {
        RollingUpdatePolicy policy = new RollingUpdatePolicy(50, 200);
        assertThat(policy.healthyFloor(4)).isEqualTo(2);
        assertThat(policy.mayStopHealthy(4, 4)).isTrue();
        assertThat(policy.mayStopHealthy(4, 3)).isTrue();
        assertThat(policy.mayStopHealthy(4, 2)).isFalse();
    }

    @Test
    void minimumHealthySeventyFiveOfTwoRoundsUpAndCanStopNone() {
        RollingUpdatePolicy policy = new RollingUpdatePolicy(75, 200);
        assertThat(policy.healthyFloor(2)).isEqualTo(2);
        assertThat(policy.mayStopHealthy(2, 2)).isFalse();
    }

    @Test
    void maximumOneTwentyFiveOfThreeRoundsDownAndCanStartNone() {
        RollingUpdatePolicy policy = new RollingUpdatePolicy(100, 125);
        assertThat(policy.runningCap(3)).isEqualTo(3);
        assertThat(policy.mayStart(3, 3)).isFalse();
        assertThat(policy.deadlocked(3)).as("can neither start nor stop").isTrue();
    }

    @Test
    void defaultsAllowReplacingEveryTaskBeforeStoppingAny() {
        RollingUpdatePolicy policy = new RollingUpdatePolicy(100, 200);
        assertThat(policy.runningCap(3)).isEqualTo(6);
        assertThat(policy.healthyFloor(3)).isEqualTo(3);
        assertThat(policy.deadlocked(3)).isFalse();
    }
}
