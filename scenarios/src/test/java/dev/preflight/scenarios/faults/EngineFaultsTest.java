package dev.preflight.scenarios.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.preflight.ecs.ServiceScheduler;
import dev.preflight.ecs.ServiceTimeline;
import dev.preflight.engine.Engines;
import dev.preflight.faults.EngineFaults;
import dev.preflight.faults.FaultProxy;
import dev.preflight.junit.PreflightEnvironment;
import dev.preflight.report.ScenarioReport;
import dev.preflight.running.RunningEnvironment;
import dev.preflight.traffic.LoadProfile;
import dev.preflight.traffic.LoadRun;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL and Redis on a bad network day, through the fault proxies tasks reach them by: the
 * database unreachable (api's /api/db fails, its /health and the service stay up, and /api/db answers
 * again once it is back), connections reset (the next query recovers), Redis unreachable (/api/cache
 * fails, then answers again), Redis slowed (every /api/cache takes the added latency, and not once it
 * is removed). Each fault is a band on the page's timeline.
 */
@PreflightEnvironment
class EngineFaultsTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void theApiRidesOutItsDatabaseAndCacheFaults(Engines engines) {
        assumeTrue(engines.faults().isPresent(), "the fault proxies need the embedded engines and process tasks");
        EngineFaults faults = engines.faults().orElseThrow();
        try (RunningEnvironment env = RunningEnvironment.of("dev").withProject("enginefaults").start(engines)) {
            assertThat(env.pipeline().deploy("api", "v1").succeeded()).isTrue();
            ServiceScheduler api = env.service("api");
            URI lb = env.loadBalancer();
            await("api's /api/db").atMost(Duration.ofSeconds(30)).until(() -> status(lb, "/api/db") == 200);
            try (ServiceTimeline timeline = ServiceTimeline.record(api);
                 LoadRun load = env.load(LoadProfile.of(10, Duration.ofSeconds(120)).withPath("/api/db").withMaxConcurrency(50))) {
                faults.postgres().cutOff();
                try {
                    await("/api/db to fail while the database is unreachable").atMost(Duration.ofSeconds(30))
                            .until(() -> status(lb, "/api/db") >= 500);
                    assertThat(status(lb, "/api/health")).as("health does not touch the database").isEqualTo(200);
                    assertThat(api.steadyState()).as("the service stays up").isTrue();
                } finally {
                    faults.postgres().restore();
                }
                await("/api/db to answer once the database is back").atMost(Duration.ofSeconds(45))
                        .until(() -> status(lb, "/api/db") == 200);

                faults.postgres().resetConnections();
                await("/api/db to recover from reset connections").atMost(Duration.ofSeconds(30))
                        .until(() -> status(lb, "/api/db") == 200);

                assertThat(status(lb, "/api/cache")).isEqualTo(200);
                faults.redis().cutOff();
                try {
                    await("/api/cache to fail while Redis is unreachable").atMost(Duration.ofSeconds(30))
                            .until(() -> status(lb, "/api/cache") >= 500);
                    assertThat(status(lb, "/api/health")).isEqualTo(200);
                } finally {
                    faults.redis().restore();
                }
                await("/api/cache to answer once Redis is back").atMost(Duration.ofSeconds(30)).until(() -> status(lb, "/api/cache") == 200);

                faults.redis().latency(Duration.ofMillis(400));
                try {
                    long slow = timed(lb, "/api/cache");
                    assertThat(slow).as("a /api/cache request with 400 ms added each way").isGreaterThanOrEqualTo(400);
                } finally {
                    faults.redis().restore();
                }
                assertThat(timed(lb, "/api/cache")).as("once the latency is removed").isLessThan(400);

                load.stop();
                load.awaitCompletion(Duration.ofSeconds(30));
                ScenarioReport report = ScenarioReport.named("PostgreSQL and Redis faults under api").requests(load);
                timeline.addTo(report);
                for (FaultProxy.Fault f : faults.faults()) {
                    if (f.end() == null || f.end().equals(f.start())) {
                        report.event(f.start(), "fault: " + f.label());
                    } else {
                        report.band(f.start(), f.end(), "fault: " + f.label());
                    }
                }
                assertThat(load.summary().byStatus()).as("the /api/db load saw the outage and the recovery").containsKey(200)
                        .containsKey(503);
                report.verdict(true, "api failed only its database calls while the database was unreachable, and recovered")
                        .write(ScenarioReport.defaultDir());
            }
        }
    }

    private static int status(URI lb, String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(lb.resolve(path)).timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return 0;
        }
    }

    private static long timed(URI lb, String path) {
        long start = System.nanoTime();
        assertThat(status(lb, path)).isEqualTo(200);
        return Duration.ofNanos(System.nanoTime() - start).toMillis();
    }
}
