package dev.preflight.scenarios.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.deploy.DeployResult;
import dev.preflight.ecs.Deployment;
import dev.preflight.ecs.ServiceEvent;
import dev.preflight.ecs.ServiceTimeline;
import dev.preflight.engine.Engines;
import dev.preflight.junit.PreflightEnvironment;
import dev.preflight.report.ScenarioReport;
import dev.preflight.running.RunningEnvironment;
import dev.preflight.topology.Overlay;
import dev.preflight.traffic.LoadProfile;
import dev.preflight.traffic.LoadRun;
import dev.preflight.traffic.LoadSummary;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A bad release (v3, whose health check fails) trips the deployment circuit breaker and ECS rolls
 * back to v2 without a failed request; with minimum healthy 0 % the same release is caught
 * causing downtime.
 */
@Tag("containers")
@PreflightEnvironment
class CircuitBreakerRollbackTest {
    private static final Map<String, String> BAD_RELEASE = Map.of("APP_HEALTH_FAIL", "true");
    /**
     * The bad release fails its checks from the start, so how soon ECS gives up on a task is the
     * grace period plus the health checks, in real time: api's 60 s grace and 15 s checks would
     * make each attempt last a minute. Short, realistic numbers keep the rules and the verdict.
     */
    private static final Overlay QUICK_VERDICT = Overlay.yaml("quick-verdict", "ecs: {services: {api: {healthCheckGracePeriodSeconds: 10}}}\n"
            + "loadBalancer: {targetGroups: {api: {healthCheck: {intervalSeconds: 5, timeoutSeconds: 2, unhealthyThreshold: 2}}}}");

    @Test
    void badReleaseRollsBackToTheLastCompletedDeploymentWithoutFailedRequests(Engines engines) {
        try (RunningEnvironment env = RunningEnvironment.of("dev").withProject("rollback")
                .withOverlay(QUICK_VERDICT)
                .start(engines)) {
            env.desiredCount("api", 3);
            assertThat(env.pipeline().deploy("api", "v1").result()).isEqualTo(DeployResult.Result.SUCCEEDED);
            assertThat(env.pipeline().deploy("api", "v2").result()).isEqualTo(DeployResult.Result.SUCCEEDED);

            Run run = deployBadReleaseUnderLoad(env, "Bad release v3 rolls back to v2", false);

            assertThat(run.result().result()).as(run.result().toString()).isEqualTo(DeployResult.Result.ROLLED_BACK);
            Deployment v3 = env.runtime().service("api").deployments().stream()
                    .filter(d -> d.id().equals(run.result().deploymentId())).findFirst().orElseThrow();
            assertThat(v3.rolloutState()).isEqualTo(Deployment.RolloutState.FAILED);
            assertThat(v3.failedTasks()).as("failed tasks counted by the circuit breaker").isGreaterThanOrEqualTo(3);
            Deployment primary = env.runtime().service("api").primary().orElseThrow();
            assertThat(primary.isRollback()).isTrue();
            assertThat(primary.version()).isEqualTo("v2");
            assertThat(primary.rolloutState()).isEqualTo(Deployment.RolloutState.COMPLETED);
            assertThat(env.runtime().service("api").events()).extracting(ServiceEvent::type).contains(ServiceEvent.DEPLOYMENT_FAILED);

            assertThat(run.summary().failed()).as("failed requests: %s", run.summary().describe()).isZero();
            assertThat(run.summary().byVersion().keySet()).as("versions that answered").containsOnly("v2");

            // ECS's service now names the task definition it rolled back to: a forced deployment redeploys v2, not v3.
            await("the service to name the rolled-back task definition").atMost(Duration.ofSeconds(10))
                    .until(() -> env.environment().aws().ecs().describeServices(r -> r.cluster(env.runtime().clusterName())
                            .services(env.runtime().awsServiceName("api"))).services().get(0).taskDefinition(), primary.taskDefinitionArn()::equals);
            env.runtime().forceNewDeployment("api");
            await("the forced deployment to complete").atMost(Duration.ofSeconds(60)).until(() -> env.runtime().service("api").primary()
                    .filter(d -> d != primary && d.rolloutState() == Deployment.RolloutState.COMPLETED).isPresent()
                    && env.runtime().service("api").steadyState());
            assertThat(env.runtime().service("api").runningTasks()).extracting(t -> t.version()).containsOnly("v2");

            List<JsonNode> notes = env.webhook().payloads();
            assertThat(notes).as("one notification per deploy").hasSize(3);
            assertThat(notes).extracting(n -> n.get("version").asText() + ":" + n.get("result").asText())
                    .containsExactly("v1:SUCCEEDED", "v2:SUCCEEDED", "v3:ROLLED_BACK");
            assertThat(notes.get(2).get("service").asText()).isEqualTo("api");
            assertThat(notes.get(2).get("environment").asText()).isEqualTo("dev");
            assertThat(notes.get(2).get("duration_ms").asLong()).isPositive();
        }
    }

    @Test
    void withMinimumHealthyZeroTheSameBadReleaseIsCaughtCausingDowntime(Engines engines) {
        try (RunningEnvironment env = RunningEnvironment.of("dev").withProject("rollbackzero")
                .withOverlay(QUICK_VERDICT)
                .withOverlay(Overlay.yaml("min-healthy-0", "ecs: {services: {api: {deployment: {minimumHealthyPercent: 0}}}}"))
                .start(engines)) {
            env.desiredCount("api", 3);
            assertThat(env.pipeline().deploy("api", "v2").result()).isEqualTo(DeployResult.Result.SUCCEEDED);

            Run run = deployBadReleaseUnderLoad(env, "Bad release v3 with minimum healthy 0 %", true);

            assertThat(run.summary().failed())
                    .as("with minimumHealthyPercent 0 the old tasks go before the new are healthy: %s", run.summary().describe())
                    .isPositive();
        }
    }

    record Run(DeployResult result, LoadSummary summary) {
    }

    /** @param misconfigured the environment is wrong on purpose: the page says whether the harness caught it */
    private static Run deployBadReleaseUnderLoad(RunningEnvironment env, String title, boolean misconfigured) {
        try (ServiceTimeline timeline = ServiceTimeline.record(env.runtime().service("api"));
             LoadRun load = env.load(LoadProfile.of(100, Duration.ofSeconds(60))
                     .withPath("/api/version").withMaxConcurrency(200))) {
            DeployResult v3 = env.pipeline().deploy("api", "v3", BAD_RELEASE, Duration.ofMinutes(2));
            Instant done = Instant.now();
            load.stop();
            load.awaitCompletion(Duration.ofSeconds(30));
            LoadSummary summary = load.summary();
            ScenarioReport report = ScenarioReport.named(title).requests(load);
            timeline.addTo(report);
            report.event(done, "pipeline: " + v3.result())
                    .section("Deploy", v3.toString())
                    .verdict(summary.failed() == 0, summary.describe());
            if (misconfigured) {
                report.caughtAsIntended(summary.failed() > 0, summary.describe());
            }
            report.write(ScenarioReport.defaultDir());
            return new Run(v3, summary);
        }
    }
}
