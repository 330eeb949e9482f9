package dev.preflight.scenarios.deadlines;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.deploy.DeployResult;
import dev.preflight.ecs.EcsTask;
import dev.preflight.ecs.ServiceEvent;
import dev.preflight.ecs.ServiceScheduler;
import dev.preflight.engine.Engines;
import dev.preflight.junit.PreflightEnvironment;
import dev.preflight.running.RunningEnvironment;
import dev.preflight.topology.Overlay;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * stopTimeout is a deadline the stopping application races, so it runs in real time: an app that
 * needs 3 s to shut down exits by itself within the default 30 s (compressed to 0.5 s it would be
 * SIGKILLed, where AWS lets it exit); an app that ignores SIGTERM is SIGKILLed after 2 s, its exit
 * code and container reason saying so.
 */
@PreflightEnvironment
class StopTimeoutTest {

    @Test
    void anAppThatNeedsSecondsToShutDownExitsByItselfWithinTheDefaultStopTimeout(Engines engines) {
        try (RunningEnvironment env = RunningEnvironment.of("dev").withProject("stopslow").start(engines)) {
            EcsTask old = replaceOneTask(env, Map.of("APP_SHUTDOWN_DELAY_MS", "3000"));

            assertThat(old.exitCode()).as("exit code of %s", old).isEqualTo(0);
            assertThat(old.containerReason()).isNull();
            assertThat(Duration.between(old.stopSignalAt(), old.stoppedAt())).as("it took its 3 s")
                    .isGreaterThanOrEqualTo(Duration.ofMillis(2900));
            assertThat(env.runtime().service("api").events()).extracting(ServiceEvent::type).doesNotContain(ServiceEvent.DEADLINE);
        }
    }

    @Test
    void anAppThatIgnoresSigtermIsKilledWhenTheRealStopTimeoutRunsOut(Engines engines) {
        try (RunningEnvironment env = RunningEnvironment.of("dev").withProject("stopkill")
                .withOverlay(Overlay.yaml("short-stop", "ecs: {services: {api: {container: {stopTimeout: 2}}}}"))
                .start(engines)) {
            EcsTask old = replaceOneTask(env, Map.of("APP_IGNORE_SIGTERM", "true"));

            assertThat(old.exitCode()).as("exit code of %s", old).isEqualTo(137);
            assertThat(old.containerReason()).contains("did not stop within stopTimeout (2 s)").contains("SIGKILL");
            assertThat(old.stoppedReason()).as("ECS keeps the scheduler's reason").startsWith("Scaling activity initiated by (deployment");
            assertThat(Duration.between(old.stopSignalAt(), old.stoppedAt())).as("SIGKILL at AWS's 2 s, not 33 ms")
                    .isBetween(Duration.ofMillis(1900), Duration.ofSeconds(10));
            assertThat(env.runtime().service("api").events()).filteredOn(e -> e.type().equals(ServiceEvent.DEADLINE))
                    .extracting(ServiceEvent::message).anyMatch(m -> m.startsWith("stopTimeout 2 s (real time)") && m.contains("SIGKILL"));
        }
    }

    /** v1 with {@code imageEnv}, then v2: returns v1's task once it has stopped. */
    private static EcsTask replaceOneTask(RunningEnvironment env, Map<String, String> imageEnv) {
        assertThat(env.pipeline().deploy("api", "v1", imageEnv, Duration.ofMinutes(1)).succeeded()).isTrue();
        ServiceScheduler api = env.runtime().service("api");
        String v1 = api.runningTasks().get(0).taskId();
        DeployResult v2 = env.pipeline().deploy("api", "v2", Map.of(), Duration.ofMinutes(1));
        assertThat(v2.succeeded()).as("deploy of v2: %s", v2).isTrue();
        return api.tasks().stream().filter(t -> t.taskId().equals(v1)).findFirst().orElseThrow();
    }
}
