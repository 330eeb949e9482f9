package dev.preflight.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class WrkTest {
    private static final String CLEAN = """
            Running 5s test @ http://127.0.0.1:41234/version
              1 threads and 16 connections
              Thread Stats   Avg      Stdev     Max   +/- Stdev
                Latency   366.19us  230.44us   9.87ms   95.10%
                Req/Sec    43.61k     1.93k   46.58k    74.00%
              Latency Distribution
                 50%  330.00us
                 75%  387.00us
                 90%  462.00us
                 99%    1.13ms
              217036 requests in 5.00s, 33.53MB read
            Requests/sec:  43397.56
            Transfer/sec:      6.70MB
            """;

    @Test
    void readsThroughputAndPercentilesInTheirUnits() {
        LoadResult r = Wrk.parse(CLEAN);
        assertThat(r.requests()).isEqualTo(217036);
        assertThat(r.failed()).isZero();
        assertThat(r.requestsPerSecond()).isCloseTo(217036 / 5.0, within(0.5));
        assertThat(r.p50Millis()).isCloseTo(0.33, within(1e-9));
        assertThat(r.p99Millis()).isCloseTo(1.13, within(1e-9));
    }

    @Test
    void countsSocketErrorsAndBadStatusesAsFailedAndNotAsThroughput() {
        String report = CLEAN.replace("Requests/sec:", """
                  Socket errors: connect 0, read 3, write 1, timeout 2
                  Non-2xx or 3xx responses: 30
                Requests/sec:""");
        LoadResult r = Wrk.parse(report);
        assertThat(r.failed()).isEqualTo(36);
        assertThat(r.requestsPerSecond()).isCloseTo((217036 - 36) / 5.0, within(0.5));
    }

    @Test
    void secondsAndMinutesAreMilliseconds() {
        LoadResult r = Wrk.parse(CLEAN.replace("330.00us", "1.50s").replace("1.13ms", "2.00m"));
        assertThat(r.p50Millis()).isEqualTo(1500);
        assertThat(r.p99Millis()).isEqualTo(120_000);
    }

    @Test
    void anUnreadableReportSaysSoAndShowsIt() {
        assertThatThrownBy(() -> Wrk.parse("unable to connect to 127.0.0.1:1 Connection refused"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Connection refused");
    }
}
