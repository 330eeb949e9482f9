package dev.preflight.report;

import dev.preflight.traffic.Latencies;
import dev.preflight.traffic.RequestRecord;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * Requests in one-second buckets by when they were due (the open model's clock): ok and failed
 * counts, errors (failures without a response) and the p99 latency of the bucket from its own
 * HdrHistogram. Serialized as is into the page's data.
 *
 * @param x the middle of each bucket, in seconds since the run's start
 * @param p99Millis null for a bucket in which no request was sent
 */
record RequestTimeline(double[] x, long[] ok, long[] failed, long[] errors, Double[] p99Millis) {

    static RequestTimeline of(List<RequestRecord> records) {
        List<RequestRecord> sorted = new ArrayList<>(records);
        sorted.sort(Comparator.comparingLong(RequestRecord::scheduledNanos));
        int buckets = sorted.isEmpty() ? 0 : bucket(sorted.get(sorted.size() - 1)) + 1;
        double[] x = new double[buckets];
        long[] ok = new long[buckets];
        long[] failed = new long[buckets];
        long[] errors = new long[buckets];
        Double[] p99 = new Double[buckets];
        for (int b = 0; b < buckets; b++) {
            x[b] = b + 0.5;
        }
        Histogram latency = Latencies.newHistogram();
        int current = -1;
        for (RequestRecord r : sorted) {
            int b = bucket(r);
            if (b != current) {
                closeBucket(latency, current, p99);
                current = b;
            }
            if (r.ok()) {
                ok[b]++;
            } else {
                failed[b]++;
            }
            if (r.error() != null) {
                errors[b]++;
            }
            if (r.sent()) {
                Latencies.record(latency, r);
            }
        }
        closeBucket(latency, current, p99);
        return new RequestTimeline(x, ok, failed, errors, p99);
    }

    private static void closeBucket(Histogram latency, int bucket, Double[] p99) {
        if (bucket >= 0 && latency.getTotalCount() > 0) {
            p99[bucket] = Math.round(Latencies.percentileMillis(latency, 99) * 100) / 100.0;
        }
        latency.reset();
    }

    /** Requests due before the run's start (none from a LoadRun) count in the first second. */
    private static int bucket(RequestRecord r) {
        return (int) Math.max(0, r.scheduledNanos() / 1_000_000_000L);
    }

    int seconds() {
        return x.length;
    }
}
