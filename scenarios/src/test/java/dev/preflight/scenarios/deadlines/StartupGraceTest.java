package dev.preflight.scenarios.deadlines;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.deploy.DeployResult;
import dev.preflight.ecs.Deployment;
import dev.preflight.ecs.EcsTask;
import dev.preflight.ecs.ServiceEvent;
import dev.preflight.ecs.ServiceScheduler;
import dev.preflight.ecs.ServiceTimeline;
import dev.preflight.engine.Engines;
import dev.preflight.junit.PreflightEnvironment;
import dev.preflight.report.ScenarioReport;
import dev.preflight.running.RunningEnvironment;
import dev.preflight.topology.Overlay;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The commonest failed ECS deploy: an app that binds its port at once but answers its health check
 * only after 6 s. Health checks every 5 s, 2 failures: its target is unhealthy after 5 s. The grace
 * period is a real deadline: 30 s covers the start and the deploy succeeds; with none, ECS kills
 * every new task during start-up, the circuit breaker trips and the service rolls back.
 */
@PreflightEnvironment
class StartupGraceTest {
    private static final Map<String, String> SLOW_START = Map.of("APP_HEALTH_DELAY_MS", "6000");
    private static final String CHECKS = "loadBalancer: {targetGroups: {api: {healthCheck: "
            + "{intervalSeconds: 5, timeoutSeconds: 2, healthyThreshold: 2, unhealthyThreshold: 2}}}}";

    @Test
    void anAmpleGracePeriodCoversASlowStart(Engines engines) {
        try (RunningEnvironment env = RunningEnvironment.of("dev").withProject("graceok")
                .withOverlay(Overlay.yaml("checks", CHECKS))
                .withOverlay(Overlay.yaml("grace", "ecs: {services: {api: {healthCheckGracePeriodSeconds: 30}}}"))
                .start(engines)) {
            DeployResult v2 = deploySlowStart(env, "Slow start (6 s) with a 30 s grace period", false);

            assertThat(v2.result()).as(v2.toString()).isEqualTo(DeployResult.Result.SUCCEEDED);
            ServiceScheduler api = env.runtime().service("api");
            assertThat(api.primary().orElseThrow().failedTasks()).as("no task counted by the circuit breaker").isZero();
            assertThat(api.tasks()).extracting(EcsTask::unhealthyReason).containsOnlyNulls();
            assertThat(v2.duration()).as("it waited for the app").isGreaterThan(Duration.ofSeconds(6));
        }
    }

    @Test
    void withNoGracePeriodTheSlowStartIsKilledDuringStartUpAndRolledBack(Engines engines) {
        try (RunningEnvironment env = RunningEnvironment.of("dev").withProject("grace0")
                .withOverlay(Overlay.yaml("checks", CHECKS))
                .withOverlay(Overlay.yaml("no-grace", "ecs: {services: {api: {healthCheckGracePeriodSeconds: 0}}}"))
                .start(engines)) {
            DeployResult v2 = deploySlowStart(env, "Slow start (6 s) with no grace period: killed during start-up", true);

            assertThat(v2.result()).as(v2.toString()).isEqualTo(DeployResult.Result.ROLLED_BACK);
            ServiceScheduler api = env.runtime().service("api");
            Deployment failed = api.deployments().stream().filter(d -> d.id().equals(v2.deploymentId())).findFirst().orElseThrow();
            assertThat(failed.rolloutState()).isEqualTo(Deployment.RolloutState.FAILED);
            assertThat(failed.failedTasks()).isGreaterThanOrEqualTo(3);
            assertThat(api.tasks()).filteredOn(t -> t.deployment() == failed).extracting(EcsTask::stoppedReason)
                    .contains("Task failed ELB health checks in (target-group api)");
            assertThat(api.events()).extracting(ServiceEvent::message)
                    .anyMatch(m -> m.matches("\\(service api\\) \\(task \\w+\\) \\(port \\d+\\) is unhealthy in \\(target-group api\\)"
                            + " due to \\(reason Health checks failed with these codes: \\[503]\\)\\."))
                    .anyMatch(m -> m.contains("declared unhealthy") && m.contains("2 consecutive failed checks 5 s apart"));
            assertThat(api.primary().orElseThrow().version()).as("rolled back").isEqualTo("v1");
        }
    }

    /** @param misconfigured the environment is wrong on purpose: the page says whether the harness caught it */
    private static DeployResult deploySlowStart(RunningEnvironment env, String title, boolean misconfigured) {
        assertThat(env.pipeline().deploy("api", "v1").succeeded()).isTrue();
        try (ServiceTimeline timeline = ServiceTimeline.record(env.runtime().service("api"))) {
            DeployResult v2 = env.pipeline().deploy("api", "v2", SLOW_START, Duration.ofMinutes(2));
            ScenarioReport report = ScenarioReport.named(title);
            timeline.addTo(report);
            report.section("Deploy", v2.toString()).verdict(v2.succeeded(), v2.toString());
            if (misconfigured) {
                report.caughtAsIntended(!v2.succeeded(), v2.toString());
            }
            report.write(ScenarioReport.defaultDir());
            return v2;
        }
    }
}
