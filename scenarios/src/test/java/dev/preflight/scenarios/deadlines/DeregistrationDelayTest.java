package dev.preflight.scenarios.deadlines;

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
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The deregistration delay is a deadline the requests in flight race, so it runs in real time:
 * api's 60 s lets requests of 2 s finish during a rolling deploy (compressed to 1 s it would cut
 * them, downtime AWS would not have); a delay of 1 s shorter than the requests cuts them with 502.
 */
@PreflightEnvironment
class DeregistrationDelayTest {
    private static final Map<String, String> TWO_SECOND_REQUESTS = Map.of("APP_REQUEST_DELAY_MS", "2000");

    @Test
    void anAmpleDelayLetsSlowRequestsFinishDuringARollingDeploy(Engines engines) {
        try (RunningEnvironment env = RunningEnvironment.of("dev").withProject("drainok").start(engines)) {
            LoadSummary summary = deployUnderSlowLoad(env, "Deregistration delay 60 s, requests of 2 s: nothing cut", false);

            assertThat(summary.total()).as("requests sent").isGreaterThanOrEqualTo(200);
            assertThat(summary.failed()).as("failed requests: %s", summary.describe()).isZero();
            assertThat(env.runtime().service("api").events()).extracting(ServiceEvent::type).doesNotContain(ServiceEvent.DEADLINE);
        }
    }

    @Test
    void aDelayShorterThanTheRequestsCutsThemWith502(Engines engines) {
        try (RunningEnvironment env = RunningEnvironment.of("dev").withProject("draincut")
                .withOverlay(Overlay.yaml("short-drain", "loadBalancer: {targetGroups: {api: {deregistrationDelaySeconds: 1}}}"))
                .start(engines)) {
            LoadSummary summary = deployUnderSlowLoad(env, "Deregistration delay 1 s, requests of 2 s: cut with 502", true);

            assertThat(summary.byStatus()).as("in-flight requests cut by the load balancer: %s", summary.describe()).containsKey(502);
            assertThat(env.runtime().service("api").events()).filteredOn(e -> e.type().equals(ServiceEvent.DEADLINE))
                    .extracting(ServiceEvent::message).anyMatch(m -> m.startsWith("deregistration delay 1 s (real time)") && m.contains("cut"));
        }
    }

    /** @param misconfigured the environment is wrong on purpose: the page says whether the harness caught it */
    private static LoadSummary deployUnderSlowLoad(RunningEnvironment env, String title, boolean misconfigured) {
        env.desiredCount("api", 2);
        DeployResult v1 = env.pipeline().deploy("api", "v1", TWO_SECOND_REQUESTS, Duration.ofMinutes(2));
        assertThat(v1.succeeded()).as("initial deploy of v1: %s", v1).isTrue();
        try (ServiceTimeline timeline = ServiceTimeline.record(env.runtime().service("api"));
             LoadRun load = env.load(LoadProfile.of(20, Duration.ofSeconds(20))
                     .withPath("/api/version").withMaxConcurrency(200))) {
            DeployResult v2 = env.pipeline().deploy("api", "v2", TWO_SECOND_REQUESTS, Duration.ofMinutes(2));
            Instant done = Instant.now();
            load.awaitCompletion(Duration.ofSeconds(60));
            LoadSummary summary = load.summary();
            ScenarioReport report = ScenarioReport.named(title).requests(load);
            timeline.addTo(report);
            report.event(done, "pipeline: " + v2.result())
                    .section("Deploy", v2.toString())
                    .verdict(summary.failed() == 0, summary.describe());
            if (misconfigured) {
                report.caughtAsIntended(summary.failed() > 0, summary.describe());
            }
            report.write(ScenarioReport.defaultDir());
            assertThat(v2.succeeded()).as("deploy of v2: %s", v2).isTrue();
            return summary;
        }
    }
}
