package dev.preflight.scenarios.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.preflight.deploy.DeployResult;
import dev.preflight.ecs.EcsTask;
import dev.preflight.ecs.ServiceScheduler;
import dev.preflight.ecs.ServiceTimeline;
import dev.preflight.engine.Engines;
import dev.preflight.junit.PreflightEnvironment;
import dev.preflight.report.ScenarioReport;
import dev.preflight.running.RunningEnvironment;
import dev.preflight.scaling.Autoscaler;
import dev.preflight.scaling.ScalingOptions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A task's bad day from inside: a release whose memory grows past the task's memory is killed as ECS
 * reports an out-of-memory kill (exit 137, "OutOfMemoryError: Container killed due to memory usage")
 * and replaced; a release that saturates its CPU drives the service's CPU metric above the frontend's
 * target-tracking target, and the autoscaler scales it out. The faults are the image's own
 * (fixtures/frontend APP_MEMORY_GROWTH_MB_PER_S, APP_CPU_BURN); each is a band on the page's timeline.
 */
@PreflightEnvironment
class TaskResourceFaultsTest {

    @Test
    void aReleaseThatOutgrowsItsMemoryIsKilledAsAnOutOfMemoryContainer(Engines engines) {
        try (RunningEnvironment env = RunningEnvironment.of("dev").withProject("oom").start(engines)) {
            assertThat(env.pipeline().deploy("frontend", "v1").succeeded()).isTrue();
            ServiceScheduler frontend = env.service("frontend");
            try (ServiceTimeline timeline = ServiceTimeline.record(frontend)) {
                Instant fault = Instant.now();
                // 512 MiB of task memory, 150 MB more a second: killed within a few seconds of each start.
                DeployResult leaking = env.pipeline().deploy("frontend", "v2", Map.of("APP_MEMORY_GROWTH_MB_PER_S", "150"),
                        Duration.ofSeconds(45));
                // The release may even reach steady state first: a leak shows only once memory runs out, as on ECS.
                await("two v2 tasks killed for their memory").atMost(Duration.ofSeconds(60)).until(() -> frontend.tasks().stream()
                        .filter(t -> "v2".equals(t.version()) && t.stopped()).count() >= 2);
                List<EcsTask> killed = frontend.tasks().stream().filter(t -> "v2".equals(t.version()) && t.stopped()).toList();
                ScenarioReport report = ScenarioReport.named("A release that outgrows its memory is killed as ECS reports it");
                timeline.addTo(report);
                report.band(fault, Instant.now(), "fault: v2 keeps 150 MB more memory every second").section("Deploy", leaking.toString())
                        .section("Stopped v2 tasks", killed.stream().map(t -> t.taskId() + " exit " + t.exitCode() + ": " + t.stoppedReason()
                                + " / " + t.containerReason()).reduce("", (a, b) -> a + b + "\n"))
                        .verdict(killed.stream().anyMatch(t -> "OutOfMemoryError: Container killed due to memory usage".equals(t.containerReason())),
                                killed.size() + " v2 task(s) stopped")
                        .write(ScenarioReport.defaultDir());
                assertThat(killed).as("v2 tasks stopped: %s", killed).isNotEmpty().allSatisfy(t -> {
                    assertThat(t.containerReason()).isEqualTo("OutOfMemoryError: Container killed due to memory usage");
                    assertThat(t.exitCode()).isEqualTo(137);
                    assertThat(t.stoppedReason()).isEqualTo("Essential container in task exited");
                });
                assertThat(frontend.tasks().stream().filter(t -> "v2".equals(t.version())).count())
                        .as("ECS starts a replacement for each task killed").isGreaterThan(killed.size());
            }
        }
    }

    @Test
    void aReleaseThatSaturatesItsCpuScalesTheServiceOut(Engines engines) {
        try (RunningEnvironment env = RunningEnvironment.of("dev").withProject("cpuburn").start(engines)) {
            // frontend: ECSServiceAverageCPUUtilization 60 %, min 1, max 2; a busy core is 400 % of its 0.25 vCPU.
            assertThat(env.pipeline().deploy("frontend", "v1", Map.of("APP_CPU_BURN", "true"), Duration.ofMinutes(2)).succeeded()).isTrue();
            ServiceScheduler frontend = env.service("frontend");
            try (ServiceTimeline timeline = ServiceTimeline.record(frontend);
                 Autoscaler autoscaler = Autoscaler.start(env.runtime(), ScalingOptions.defaults())) {
                Instant fault = Instant.now();
                Duration bound = autoscaler.metrics().period().multipliedBy(2L * (ScalingOptions.defaults().highEvaluationPeriods() + 2))
                        .plus(env.runtime().timeScale().compressed(60)).plusSeconds(30);
                await("frontend to scale out on its saturated CPU").atMost(bound).until(() -> frontend.desiredCount() == 2
                        && frontend.runningTasks().size() == 2);
                ScenarioReport report = ScenarioReport.named("A saturated CPU scales the frontend out");
                timeline.addTo(report);
                report.band(fault, Instant.now(), "fault: every frontend task keeps one core busy").section("Scaling", autoscaler.activities().toString())
                        .verdict(true, "desired count 1 -> 2 on CPUUtilization").write(ScenarioReport.defaultDir());
            }
        }
    }
}
