package dev.preflight.alb;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** X-Amzn-Trace-Id is built by hand on the hot path; it must read exactly as the format string did. */
class TraceIdTest {
    @Test
    void sameAsTheFormatStringForAnyValues() {
        SplittableRandom random = new SplittableRandom(42);
        long[] seconds = {0, 1, 1_764_000_000L, 0xffff_ffffL};
        int[] highs = {0, -1, Integer.MIN_VALUE, Integer.MAX_VALUE};
        long[] lows = {0, -1, Long.MIN_VALUE, Long.MAX_VALUE};
        for (int i = 0; i < seconds.length; i++) {
            assertSame(seconds[i], highs[i], lows[i]);
        }
        for (int i = 0; i < 10_000; i++) {
            assertSame(random.nextLong(0x1_0000_0000L), random.nextInt(), random.nextLong());
        }
    }

    @Test
    void farFutureSecondsStillFormat() {
        assertSame(0x1_0000_0000L, 7, 7);
    }

    private static void assertSame(long seconds, int high, long low) {
        assertThat(Forwarder.traceId(seconds, high, low))
                .isEqualTo(String.format("Root=1-%08x-%08x%016x", seconds, high, low))
                .hasSize(seconds > 0xffff_ffffL ? 41 : 40);
    }
}
