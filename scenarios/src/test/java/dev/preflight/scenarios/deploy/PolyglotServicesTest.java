package dev.preflight.scenarios.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.deploy.DeployResult;
import dev.preflight.ecs.ServiceTimeline;
import dev.preflight.engine.Engines;
import dev.preflight.junit.PreflightEnvironment;
import dev.preflight.report.ScenarioReport;
import dev.preflight.running.RunningEnvironment;
import dev.preflight.traffic.LoadProfile;
import dev.preflight.traffic.LoadRun;
import dev.preflight.traffic.LoadSummary;
import dev.preflight.traffic.RequestRecord;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The other two reference services, built from their own Dockerfiles: the Node.js frontend (the
 * listener's default rule) and the Python admin (its host rule, admin.*). Each rolls out under load
 * without a failed request, and a bad release of each trips the circuit breaker and rolls back.
 */
@PreflightEnvironment
class PolyglotServicesTest {
    /** Health checks every 5 s, 2 failures, grace 10 s: a bad release is given up on in seconds. */
    private static final String QUICK_VERDICT = """
            ecs: {services: {%1$s: {healthCheckGracePeriodSeconds: 10}}}
            loadBalancer: {targetGroups: {%1$s: {healthCheck: {intervalSeconds: 5, timeoutSeconds: 2, unhealthyThreshold: 2}}}}
            """;

    static Stream<Arguments> services() {
        return Stream.of(Arguments.of("frontend", "Node.js", null), Arguments.of("admin", "Python", "admin.example.com"));
    }

    @ParameterizedTest(name = "{0} ({1})")
    @MethodSource("services")
    void aRollingDeployUnderLoadLosesNothing(String service, String language, String host, Engines engines) {
        try (RunningEnvironment env = RunningEnvironment.of("dev").withProject("cut" + service).start(engines)) {
            env.desiredCount(service, 2);
            assertThat(env.pipeline().deploy(service, "v1", Map.of("APP_REQUEST_DELAY_MS", "100"), Duration.ofMinutes(2)).succeeded()).isTrue();

            Run run = deployUnderLoad(env, service, host, "v2", Map.of("APP_REQUEST_DELAY_MS", "100"),
                    "Zero-downtime cutover of " + service + " (" + language + ") v1 to v2");

            assertThat(run.deploy().result()).as(run.deploy().toString()).isEqualTo(DeployResult.Result.SUCCEEDED);
            assertThat(run.summary().failed()).as("failed requests: %s", run.summary().describe()).isZero();
            assertThat(run.summary().byVersion().keySet()).as("versions that answered").containsOnly("v1", "v2");
            assertThat(run.load().records()).as("each answer from a task of %s", service).filteredOn(RequestRecord::ok)
                    .allMatch(r -> env.service(service).tasks().stream().anyMatch(t -> t.taskId().equals(r.target())));
        }
    }

    @ParameterizedTest(name = "{0} ({1})")
    @MethodSource("services")
    void aBadReleaseRollsBackWithoutAFailedRequest(String service, String language, String host, Engines engines) {
        try (RunningEnvironment env = RunningEnvironment.of("dev").withProject("bad" + service)
                .withOverlay(QUICK_VERDICT.formatted(service)).start(engines)) {
            assertThat(env.pipeline().deploy(service, "v1").succeeded()).isTrue();

            Run run = deployUnderLoad(env, service, host, "v2", Map.of("APP_HEALTH_FAIL", "true"),
                    "Bad release of " + service + " (" + language + ") rolls back");

            assertThat(run.deploy().result()).as(run.deploy().toString()).isEqualTo(DeployResult.Result.ROLLED_BACK);
            assertThat(run.summary().failed()).as("failed requests: %s", run.summary().describe()).isZero();
            assertThat(run.summary().byVersion().keySet()).as("versions that answered").containsOnly("v1");
        }
    }

    record Run(DeployResult deploy, LoadSummary summary, LoadRun load) {
    }

    private static Run deployUnderLoad(RunningEnvironment env, String service, String host, String version, Map<String, String> imageEnv,
                                       String title) {
        LoadProfile profile = LoadProfile.of(60, Duration.ofSeconds(90)).withPath("/version").withMaxConcurrency(200);
        if (host != null) {
            profile = profile.withHeader("Host", host);
        }
        try (ServiceTimeline timeline = ServiceTimeline.record(env.service(service));
             LoadRun load = env.load(profile)) {
            DeployResult deploy = env.pipeline().deploy(service, version, imageEnv, Duration.ofMinutes(2));
            load.stop();
            load.awaitCompletion(Duration.ofSeconds(30));
            LoadSummary summary = load.summary();
            ScenarioReport report = ScenarioReport.named(title).requests(load);
            timeline.addTo(report);
            report.section("Deploy", deploy.toString()).verdict(summary.failed() == 0, summary.describe()).write(ScenarioReport.defaultDir());
            return new Run(deploy, summary, load);
        }
    }
}
