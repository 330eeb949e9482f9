package dev.preflight.ecs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.time.TimeScale;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.HealthCheck;

/** The container health check's two clocks and Docker's rules, with real commands. */
class ContainerHealthCheckTest {
    private static final TimeScale SCALE = new TimeScale(60);

    private static ContainerHealthCheck check(String command, int interval, int timeout, int retries, int startPeriod, Instant start) {
        HealthCheck hc = HealthCheck.builder().command("CMD-SHELL", command).interval(interval).timeout(timeout).retries(retries)
                .startPeriod(startPeriod).build();
        return ContainerHealthCheck.of(hc, 8080, 8080, SCALE, start);
    }

    @Test
    void countedChecksKeepDockersScheduleInRealTimeAndProbesOnlyRunUntilThePass() {
        Instant start = Instant.now();
        ContainerHealthCheck check = check("true", 30, 5, 3, 0, start);

        assertThat(check.due(start)).as("a probe first: the container may be up already").isEqualTo(ContainerHealthCheck.Kind.PROBE);
        assertThat(check.due(start.plusMillis(100))).as("one run of a kind at a time").isNull();
        check.record(ContainerHealthCheck.Kind.PROBE, false, start.plusMillis(200));
        assertThat(check.status()).isEqualTo(EcsTask.HealthStatus.UNKNOWN);
        assertThat(check.due(start.plusMillis(300))).as("next probe after 30 s compressed (0.5 s)").isNull();
        assertThat(check.due(start.plusMillis(600))).isEqualTo(ContainerHealthCheck.Kind.PROBE);
        check.record(ContainerHealthCheck.Kind.PROBE, true, start.plusMillis(700));
        assertThat(check.status()).isEqualTo(EcsTask.HealthStatus.HEALTHY);
        assertThat(check.due(start.plusSeconds(10))).as("no probe once passed, no counted check before 30 s").isNull();
        assertThat(check.due(start.plusSeconds(30))).isEqualTo(ContainerHealthCheck.Kind.COUNTED);
    }

    @Test
    void failuresInTheStartPeriodCountFromTheContainersStartNotFromItsPort() {
        Instant containerStart = Instant.now().minusSeconds(8); // started 8 s ago, start period 10 s
        ContainerHealthCheck check = check("false", 5, 2, 1, 10, containerStart);

        check.record(ContainerHealthCheck.Kind.COUNTED, false, containerStart.plusSeconds(9));
        assertThat(check.status()).as("9 s after start: inside the start period").isEqualTo(EcsTask.HealthStatus.UNKNOWN);
        check.record(ContainerHealthCheck.Kind.COUNTED, false, containerStart.plusSeconds(11));
        assertThat(check.status()).as("11 s after start, retries 1").isEqualTo(EcsTask.HealthStatus.UNHEALTHY);
    }

    @Test
    void failedProbesNeverMakeItUnhealthyOnlyRetriesCountedFailuresDo() {
        Instant start = Instant.now();
        ContainerHealthCheck check = check("false", 5, 2, 2, 0, start);
        for (int i = 0; i < 20; i++) {
            check.record(ContainerHealthCheck.Kind.PROBE, false, start.plusMillis(100L * i));
        }
        assertThat(check.status()).isEqualTo(EcsTask.HealthStatus.UNKNOWN);
        check.record(ContainerHealthCheck.Kind.COUNTED, false, start.plusSeconds(5));
        assertThat(check.status()).isEqualTo(EcsTask.HealthStatus.UNKNOWN);
        check.record(ContainerHealthCheck.Kind.COUNTED, false, start.plusSeconds(10));
        assertThat(check.status()).isEqualTo(EcsTask.HealthStatus.UNHEALTHY);
    }

    @Test
    void theTimeoutIsAwsNumberInRealTime() {
        // 1.5 s of work within a 2 s timeout passes; compressed 60 times the timeout would be 33 ms.
        ContainerHealthCheck check = check("sleep 1.5", 5, 2, 1, 0, Instant.now().minusSeconds(60));
        long started = System.nanoTime();
        check.run(ContainerHealthCheck.Kind.COUNTED);
        assertThat(check.status()).isEqualTo(EcsTask.HealthStatus.HEALTHY);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(1400));

        ContainerHealthCheck tooSlow = check("sleep 3", 5, 2, 1, 0, Instant.now().minusSeconds(60));
        tooSlow.run(ContainerHealthCheck.Kind.COUNTED);
        assertThat(tooSlow.status()).isEqualTo(EcsTask.HealthStatus.UNHEALTHY);
    }
}
