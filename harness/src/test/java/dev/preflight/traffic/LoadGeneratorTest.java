package dev.preflight.traffic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LoadGeneratorTest {

    @Test
    void sendsTheScheduledNumberOfRequestsAndCountsVersions() throws Exception {
        try (LocalServer server = new LocalServer("v1|v2", 0);
             LoadRun run = LoadGenerator.start(server.uri(), LoadProfile.of(100, Duration.ofSeconds(2)))) {
            LoadSummary summary = run.awaitCompletion(Duration.ofSeconds(30)).summary();

            assertThat(summary.total()).isBetween(180L, 220L);
            assertThat(summary.ok()).as(summary.describe()).isGreaterThanOrEqualTo(summary.total() * 9 / 10);
            assertThat(summary.byVersion()).containsOnlyKeys("v1", "v2");
            assertThat(summary.byVersion().get("v1") + summary.byVersion().get("v2")).isEqualTo(summary.byStatus().get(200));
            assertThat(summary.p50Millis()).isPositive().isLessThanOrEqualTo(summary.p90Millis());
            assertThat(summary.p90Millis()).isLessThanOrEqualTo(summary.p99Millis());
            assertThat(summary.p99Millis()).isLessThanOrEqualTo(summary.maxMillis()).isLessThan(30_000);
            assertThat(summary.achievedRps()).isBetween(80.0, 120.0);
            assertThat(summary.describe()).contains("requests", "v1=", "p99");

            List<RequestRecord> records = run.records();
            assertThat(records).isSortedAccordingTo((a, b) -> Long.compare(a.scheduledNanos(), b.scheduledNanos()));
            assertThat(records).allSatisfy(r -> {
                assertThat(r.startNanos()).isGreaterThanOrEqualTo(r.scheduledNanos());
                assertThat(r.endNanos()).isGreaterThanOrEqualTo(r.startNanos());
                assertThat(r.path()).isEqualTo("/");
            });
            assertThat(run.startedAt()).isNotNull();
        }
    }

    @Test
    void sustainsThreeHundredRequestsPerSecond() throws Exception {
        try (LocalServer server = new LocalServer("v1", 0);
             LoadRun run = LoadGenerator.start(server.uri(), LoadProfile.of(300, Duration.ofSeconds(3)))) {
            LoadSummary summary = run.awaitCompletion(Duration.ofSeconds(60)).summary();

            assertThat(summary.total()).isEqualTo(900);
            // generous: only a badly overloaded machine would lose more than a few percent here
            assertThat(summary.ok()).as(summary.describe()).isGreaterThanOrEqualTo(850);
            assertThat(summary.achievedRps()).isGreaterThan(250);
        }
    }

    @Test
    void aServerThatGoesAwayShowsAsFailuresNotFewerRequests() throws Exception {
        LocalServer server = new LocalServer("v1", 0);
        try (LoadRun run = LoadGenerator.start(server.uri(), LoadProfile.of(50, Duration.ofSeconds(2))
                .withRequestTimeout(Duration.ofSeconds(5)))) {
            awaitRecords(run, 20, Duration.ofSeconds(20));
            server.close();
            LoadSummary summary = run.awaitCompletion(Duration.ofSeconds(30)).summary();

            assertThat(summary.total()).as(summary.describe()).isEqualTo(100);
            assertThat(summary.ok()).isGreaterThanOrEqualTo(15);
            assertThat(summary.failed()).isPositive();
            assertThat(summary.byStatus()).containsKey(0);
            assertThat(summary.errors()).isNotEmpty();
            assertThat(run.records()).filteredOn(r -> !r.ok())
                    .allSatisfy(r -> {
                        assertThat(r.status()).isZero();
                        assertThat(r.error()).isNotBlank();
                    });
        } finally {
            server.close();
        }
    }

    @Test
    void aSlowServerHitsTheConcurrencyLimitWithoutSlowingTheSchedule() throws Exception {
        try (LocalServer server = new LocalServer("v1", 400);
             LoadRun run = LoadGenerator.start(server.uri(), LoadProfile.of(50, Duration.ofSeconds(1))
                     .withMaxConcurrency(4))) {
            LoadSummary summary = run.awaitCompletion(Duration.ofSeconds(30)).summary();

            assertThat(summary.total()).isEqualTo(50);
            assertThat(summary.errors().get(RequestRecord.CONCURRENCY_LIMIT)).as(summary.describe())
                    .isNotNull().isGreaterThanOrEqualTo(20L);
            assertThat(summary.ok()).isBetween(4L, 30L);
            assertThat(run.records()).filteredOn(r -> RequestRecord.CONCURRENCY_LIMIT.equals(r.error()))
                    .allSatisfy(r -> {
                        assertThat(r.status()).isZero();
                        assertThat(r.sent()).isFalse();
                    });
            // the ones that went out waited for the slow server, and the latency says so
            assertThat(summary.p50Millis()).isGreaterThanOrEqualTo(300);
        }
    }

    @Test
    void stopEndsTheScheduleEarly() throws Exception {
        try (LocalServer server = new LocalServer("v1", 0);
             LoadRun run = LoadGenerator.start(server.uri(), LoadProfile.of(50, Duration.ofSeconds(20)))) {
            awaitRecords(run, 10, Duration.ofSeconds(20));
            run.stop();
            int atStop = run.awaitCompletion(Duration.ofSeconds(30)).records().size();

            assertThat(atStop).isBetween(10, 500);
            TimeUnit.MILLISECONDS.sleep(300); // give a schedule that kept going the time to show it
            assertThat(run.records()).hasSize(atStop);
        }
    }

    @Test
    void requestsStillOutAtTheTimeoutAreRecordedAsNotFinished() throws Exception {
        try (LocalServer server = new LocalServer("v1", 60_000)) {
            LoadRun run = LoadGenerator.start(server.uri(), LoadProfile.of(20, Duration.ofMillis(200)));
            List<RequestRecord> records = run.awaitCompletion(Duration.ofMillis(500)).records();

            assertThat(records).hasSize(4).allSatisfy(r -> {
                assertThat(r.error()).isEqualTo(RequestRecord.NOT_FINISHED);
                assertThat(r.ok()).isFalse();
                assertThat(r.latencyNanos()).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(250));
            });
            long closing = System.nanoTime();
            run.close();
            // the records are final: close() frees the client without waiting out the 30 s request timeout
            assertThat(Duration.ofNanos(System.nanoTime() - closing)).isLessThan(Duration.ofSeconds(20));
            assertThat(run.records()).isEqualTo(records);
        }
    }

    @Test
    void headersAndPathAreSent() throws Exception {
        try (LocalServer server = new LocalServer("v1", 0);
             LoadRun run = LoadGenerator.start(server.uri(), LoadProfile.of(20, Duration.ofMillis(250))
                     .withPath("/health?probe=1").withHeader("X-Probe", "yes"))) {
            List<RequestRecord> records = run.awaitCompletion(Duration.ofSeconds(30)).records();

            assertThat(records).hasSize(5).allSatisfy(r -> {
                assertThat(r.ok()).isTrue();
                assertThat(r.path()).isEqualTo("/health?probe=1");
            });
            assertThat(server.lastRequest()).isEqualTo("/health?probe=1 X-Probe=yes");
        }
    }

    @Test
    void refusesTargetsOffTheMachine() {
        LoadProfile profile = LoadProfile.of(1, Duration.ofSeconds(1));
        assertThatThrownBy(() -> LoadGenerator.start(URI.create("http://192.0.2.1:80"), profile))
                .hasMessageContaining("loopback");
        assertThatThrownBy(() -> LoadGenerator.start(URI.create("ftp://127.0.0.1"), profile))
                .hasMessageContaining("http URI");
        assertThat(LoadGenerator.target(URI.create("http://127.0.0.1:8080/"), "/a"))
                .isEqualTo(URI.create("http://127.0.0.1:8080/a"));
    }

    @Test
    void profilesAreValidatedWithClearMessages() {
        assertThatThrownBy(() -> LoadProfile.of(0, Duration.ofSeconds(1))).hasMessageContaining("requestsPerSecond");
        assertThatThrownBy(() -> LoadProfile.of(10, Duration.ZERO)).hasMessageContaining("duration must be positive");
        assertThatThrownBy(() -> LoadProfile.of(100_000, Duration.ofHours(1))).hasMessageContaining("more than the limit");
        assertThatThrownBy(() -> LoadProfile.of(10, Duration.ofSeconds(1)).withMaxConcurrency(0))
                .hasMessageContaining("maxConcurrency");
        assertThatThrownBy(() -> LoadProfile.of(10, Duration.ofSeconds(1)).withPath("health"))
                .hasMessageContaining("path must start with '/'");
        assertThatThrownBy(() -> LoadProfile.of(10, Duration.ofSeconds(1)).withHeader("X-A", "a\r\nb"))
                .hasMessageContaining("line breaks");
        assertThatThrownBy(() -> new LoadProfile(10, Duration.ofSeconds(1), 1, "/", Map.of(), Duration.ZERO))
                .hasMessageContaining("requestTimeout");

        LoadProfile profile = LoadProfile.of(100, Duration.ofSeconds(2));
        assertThat(profile.maxConcurrency()).isEqualTo(256);
        assertThat(profile.path()).isEqualTo("/");
        assertThat(profile.requestTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(profile.totalRequests()).isEqualTo(200);
        assertThat(LoadProfile.of(0.1, Duration.ofSeconds(1)).totalRequests()).isEqualTo(1);
        assertThat(profile.scheduledNanos(100)).isEqualTo(1_000_000_000L);
    }

    @Test
    void summaryFromKnownRecords() {
        List<RequestRecord> records = List.of(
                new RequestRecord(0, 0, ms(10), 200, "v1", null, "/"),
                new RequestRecord(ms(100), ms(100), ms(120), 200, "v2", null, "/"),
                new RequestRecord(ms(200), ms(200), ms(230), 503, null, null, "/"),
                new RequestRecord(ms(300), ms(300), ms(300), 0, null, RequestRecord.CONCURRENCY_LIMIT, "/"),
                new RequestRecord(ms(400), ms(400), ms(440), 0, null, "Connection refused", "/"));
        LoadSummary s = LoadSummary.of(records);

        assertThat(s.total()).isEqualTo(5);
        assertThat(s.ok()).isEqualTo(2);
        assertThat(s.failed()).isEqualTo(3);
        assertThat(s.byStatus()).containsExactly(Map.entry(0, 2L), Map.entry(200, 2L), Map.entry(503, 1L));
        assertThat(s.byVersion()).containsExactly(Map.entry(LoadSummary.NO_VERSION, 1L), Map.entry("v1", 1L),
                Map.entry("v2", 1L));
        assertThat(s.errors()).containsOnlyKeys(RequestRecord.CONCURRENCY_LIMIT, "Connection refused");
        // four sent requests: 10, 20, 30, 40 ms; the refused one does not count
        assertThat(s.p50Millis()).isBetween(19.9, 20.1);
        assertThat(s.maxMillis()).isBetween(39.9, 40.1);
        assertThat(s.achievedRps()).isBetween(7.9, 8.1); // 4 sent over a 0.5 s schedule
        assertThat(new RequestRecord(0, 0, 1, 302, null, null, "/").ok()).isTrue();
        assertThat(new RequestRecord(0, 0, 1, 200, null, "x", "/").ok()).isFalse();
    }

    @Test
    void errorMessagesAreShortAndGroupable() {
        assertThat(LoadClient.shortMessage(new java.net.ConnectException("Connection refused"))).isEqualTo("Connection refused");
        assertThat(LoadClient.shortMessage(new java.io.EOFException(
                "oejcti.HttpConnectionOverHTTP@4c378640::oeji.SocketChannelEndPoint@93501a2[{l=/127.0.0.1:60452}]")))
                .isEqualTo("EOFException");
        assertThat(LoadClient.shortMessage(new RuntimeException(new java.nio.channels.ClosedChannelException())))
                .isEqualTo("ClosedChannelException");
        assertThat(LoadClient.shortMessage(new java.util.concurrent.TimeoutException("Total timeout 30000 ms elapsed")))
                .isEqualTo("Total timeout 30000 ms elapsed");
    }

    private static long ms(long millis) {
        return TimeUnit.MILLISECONDS.toNanos(millis);
    }

    /** A named, bounded wait for the run to have recorded {@code count} requests. */
    static void awaitRecords(LoadRun run, int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (run.records().size() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after " + timeout + " waiting for " + count
                        + " records; have " + run.records().size());
            }
            TimeUnit.MILLISECONDS.sleep(10);
        }
    }
}
