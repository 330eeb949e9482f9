package dev.preflight.traffic;

import org.HdrHistogram.Histogram;

/**
 * The one way latencies are aggregated, shared by {@link LoadSummary} and the report's per-second
 * buckets: an HdrHistogram of microseconds with 3 significant digits that grows as needed, fed with
 * {@link RequestRecord#latencyNanos()} (from the scheduled start).
 */
public final class Latencies {
    private Latencies() {
    }

    public static Histogram newHistogram() {
        return new Histogram(3);
    }

    public static void record(Histogram micros, RequestRecord r) {
        micros.recordValue(Math.max(0, r.latencyNanos() / 1000));
    }

    /** The percentile in milliseconds; 0 for an empty histogram. */
    public static double percentileMillis(Histogram micros, double percentile) {
        return micros.getTotalCount() == 0 ? 0 : micros.getValueAtPercentile(percentile) / 1000.0;
    }

    public static double maxMillis(Histogram micros) {
        return micros.getTotalCount() == 0 ? 0 : micros.getMaxValue() / 1000.0;
    }
}
