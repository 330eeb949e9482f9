package dev.preflight.traffic;

import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.HdrHistogram.Histogram;

/**
 * Counts and latency percentiles of a set of {@link RequestRecord}s.
 *
 * <p>Percentiles come from an HdrHistogram (3 significant digits, microseconds) over the requests
 * that were sent, so "concurrency limit" refusals, which took no time, do not pull them down.
 * {@code achievedRps} is the rate at which requests were actually sent over the scheduled span.
 *
 * @param byStatus responses per status; 0 counts the requests without a complete response
 * @param byVersion responses (status > 0) per {@code X-App-Version}; {@link #NO_VERSION} when absent
 * @param errors failures per error message
 * @param byStatusFromTargets responses per status that a task answered (the access log names its target):
 *                            a 503 among them is the application's, not the load balancer's "no healthy target"
 */
public record LoadSummary(long total, long ok, long failed, Map<Integer, Long> byStatus,
                          Map<String, Long> byVersion, Map<String, Long> errors, double p50Millis,
                          double p90Millis, double p99Millis, double maxMillis, double achievedRps,
                          Map<Integer, Long> byStatusFromTargets) {
    public static final String NO_VERSION = "(none)";

    public LoadSummary {
        byStatus = Collections.unmodifiableMap(new TreeMap<>(byStatus));
        byVersion = Collections.unmodifiableMap(new TreeMap<>(byVersion));
        errors = Collections.unmodifiableMap(new TreeMap<>(errors));
        byStatusFromTargets = Collections.unmodifiableMap(new TreeMap<>(byStatusFromTargets));
    }

    public static LoadSummary of(List<RequestRecord> records) {
        Map<Integer, Long> byStatus = new TreeMap<>();
        Map<String, Long> byVersion = new TreeMap<>();
        Map<String, Long> errors = new TreeMap<>();
        Map<Integer, Long> fromTargets = new TreeMap<>();
        Histogram latencyMicros = Latencies.newHistogram();
        long ok = 0;
        long sent = 0;
        long firstScheduled = Long.MAX_VALUE;
        long lastScheduled = Long.MIN_VALUE;
        for (RequestRecord r : records) {
            if (r.ok()) {
                ok++;
            }
            byStatus.merge(r.status(), 1L, Long::sum);
            if (r.target() != null && r.status() > 0) {
                fromTargets.merge(r.status(), 1L, Long::sum);
            }
            if (r.status() > 0) {
                byVersion.merge(r.version() == null ? NO_VERSION : r.version(), 1L, Long::sum);
            }
            if (r.error() != null) {
                errors.merge(r.error(), 1L, Long::sum);
            }
            if (r.sent()) {
                sent++;
                Latencies.record(latencyMicros, r);
            }
            firstScheduled = Math.min(firstScheduled, r.scheduledNanos());
            lastScheduled = Math.max(lastScheduled, r.scheduledNanos());
        }
        long total = records.size();
        return new LoadSummary(total, ok, total - ok, byStatus, byVersion, errors,
                Latencies.percentileMillis(latencyMicros, 50), Latencies.percentileMillis(latencyMicros, 90),
                Latencies.percentileMillis(latencyMicros, 99), Latencies.maxMillis(latencyMicros),
                achievedRps(sent, total, firstScheduled, lastScheduled), fromTargets);
    }

    /** e.g. "200 requests, 198 ok, 2 failed; status 200=198, 0=2; versions v1=198; errors ...". */
    public String describe() {
        StringBuilder s = new StringBuilder();
        s.append(total).append(" requests, ").append(ok).append(" ok, ").append(failed).append(" failed");
        s.append("; status ").append(join(byStatus));
        if (!byVersion.isEmpty()) {
            s.append("; versions ").append(join(byVersion));
        }
        if (!errors.isEmpty()) {
            s.append("; errors ").append(join(errors));
        }
        s.append(String.format(Locale.ROOT, "; latency p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f ms; %.1f req/s",
                p50Millis, p90Millis, p99Millis, maxMillis, achievedRps));
        return s.toString();
    }

    private static String join(Map<?, Long> counts) {
        return counts.isEmpty() ? "-" : counts.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
    }

    private static double achievedRps(long sent, long total, long firstScheduled, long lastScheduled) {
        if (total < 2 || lastScheduled <= firstScheduled) {
            return 0;
        }
        // n requests evenly spaced span (n - 1) gaps; the run's schedule covers n of them
        double spanSeconds = (lastScheduled - firstScheduled) / 1e9 * total / (total - 1);
        return sent / spanSeconds;
    }
}
