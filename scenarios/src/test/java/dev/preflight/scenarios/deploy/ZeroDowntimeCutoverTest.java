package dev.preflight.scenarios.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.deploy.DeployResult;
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
import dev.preflight.traffic.RequestRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A rolling deploy of api from v1 to v2 under continuous load loses no request; the same deploy
 * with a deregistration delay of 0 while requests are slower than the drain is caught failing.
 */
@Tag("containers")
@PreflightEnvironment
class ZeroDowntimeCutoverTest {
    /** Every request of both versions takes this long, so draining matters. */
    private static final Map<String, String> SLOW_REQUESTS = Map.of("APP_REQUEST_DELAY_MS", "150");

    @Test
    void rollingDeployUnderLoadHasZeroFailedRequests(Engines engines) throws Exception {
        try (RunningEnvironment env = RunningEnvironment.of("dev").withProject("cutover").start(engines)) {
            Outcome outcome = deployUnderLoad(env, "Zero-downtime cutover of api v1 to v2", false);

            assertThat(outcome.deploy().result()).as(outcome.deploy().toString()).isEqualTo(DeployResult.Result.SUCCEEDED);
            assertThat(outcome.summary().total()).as("requests sent").isGreaterThanOrEqualTo(1000);
            assertThat(outcome.summary().failed()).as("failed requests: %s", outcome.summary().describe()).isZero();
            assertThat(outcome.summary().byVersion().keySet()).as("versions that answered").isSubsetOf(Set.of("v1", "v2")).contains("v1", "v2");
            assertThat(outcome.records()).as("every answer names the task that gave it (the load balancer's access log)")
                    .filteredOn(RequestRecord::ok).allMatch(r -> env.runtime().task(r.target())
                            .filter(t -> t.version().equals(r.version())).isPresent());
            assertThat(outcome.afterCompletion()).as("requests scheduled after the deployment completed").isNotEmpty()
                    .allMatch(r -> "v2".equals(r.version()), "answered by v2");
            assertThat(env.runtime().service("api").events()).extracting(ServiceEvent::message)
                    .anyMatch(m -> m.equals("(service api) has reached a steady state."));
        }
    }

    @Test
    void theSameDeployWithNoDeregistrationDelayIsReportedAsDowntime(Engines engines) throws Exception {
        try (RunningEnvironment env = RunningEnvironment.of("dev").withProject("unsafecut")
                .withOverlay(Overlay.yaml("no-drain", "loadBalancer: {targetGroups: {api: {deregistrationDelaySeconds: 0}}}"))
                .start(engines)) {
            Outcome outcome = deployUnderLoad(env, "Unsafe cutover: deregistration delay 0 with slow requests", true);

            assertThat(outcome.summary().failed())
                    .as("the harness must see the downtime it exists to catch: %s", outcome.summary().describe())
                    .isPositive();
            assertThat(outcome.summary().byStatus()).as("in-flight requests cut by the load balancer").containsKey(502);
        }
    }

    record Outcome(DeployResult deploy, LoadSummary summary, List<RequestRecord> records, List<RequestRecord> afterCompletion) {
    }

    /** @param misconfigured the environment is wrong on purpose: the page says whether the harness caught it */
    private static Outcome deployUnderLoad(RunningEnvironment env, String title, boolean misconfigured) {
        env.desiredCount("api", 3);
        DeployResult v1 = env.pipeline().deploy("api", "v1", SLOW_REQUESTS, Duration.ofMinutes(2));
        assertThat(v1.succeeded()).as("initial deploy of v1: %s", v1).isTrue();

        try (ServiceTimeline timeline = ServiceTimeline.record(env.runtime().service("api"));
             LoadRun load = env.load(LoadProfile.of(120, Duration.ofSeconds(25))
                     .withPath("/api/version").withMaxConcurrency(200))) {
            sleepQuietly(Duration.ofSeconds(3));
            DeployResult v2 = env.pipeline().deploy("api", "v2", SLOW_REQUESTS, Duration.ofMinutes(2));
            Instant completed = Instant.now();
            load.awaitCompletion(Duration.ofSeconds(60));
            LoadSummary summary = load.summary();
            long completedNanos = load.startNanoTime() + Duration.between(load.startedAt(), completed).toNanos();
            List<RequestRecord> after = load.records().stream()
                    .filter(r -> load.startNanoTime() + r.scheduledNanos() > completedNanos + Duration.ofMillis(200).toNanos()).toList();
            ScenarioReport report = ScenarioReport.named(title).requests(load);
            timeline.addTo(report);
            report.event(completed, "pipeline: " + v2.result())
                    .section("Deploy", v2.toString())
                    .verdict(summary.failed() == 0, summary.describe());
            if (misconfigured) {
                report.caughtAsIntended(summary.failed() > 0, summary.describe());
            }
            report.write(ScenarioReport.defaultDir());
            return new Outcome(v2, summary, load.records(), after);
        }
    }

    /** The load runs on its own schedule; the test only waits before starting the deploy. */
    private static void sleepQuietly(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
