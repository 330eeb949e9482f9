package dev.preflight.alb;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * CloudWatch's per-target-group ALB metrics, counted as requests pass:
 * <ul>
 *   <li>RequestCount: requests for which a target was chosen (as AWS: a 503 for an empty group
 *       is not counted), also by target (the autoscaler's ALBRequestCountPerTarget)</li>
 *   <li>HTTPCode_Target_5XX_Count: 5xx answered by a target</li>
 *   <li>HTTPCode_ELB_5XX_Count: 502/503/504 made by the load balancer for this group</li>
 *   <li>TargetResponseTime: from forwarding to the target's status line, over target answers only</li>
 * </ul>
 * The accessors give totals since start; {@link #snapshotAndReset()} gives the window since the
 * previous call (what a per-minute metric publisher reads). Durations are real, compressed time.
 * {@link #recentElbErrors()} keeps the last {@value #RECENT_ELB_ERRORS} answers the load balancer
 * made itself, each with its target and cause, for whoever has to explain them.
 */
public final class TargetGroupMetrics {
    /** Kept by {@link #recentElbErrors()}. */
    public static final int RECENT_ELB_ERRORS = 1000;

    /**
     * A 502/503/504 the load balancer answered itself.
     *
     * @param nanoTime {@link System#nanoTime()} when it was decided
     * @param targetId the target the request was forwarded to; null when none was chosen (503)
     * @param cause what went wrong, e.g. "SocketTimeoutException: Connect Timeout"
     */
    public record ElbError(Instant at, long nanoTime, int status, String targetId, String cause) {
    }

    /** An immutable reading of the counters over {@code period}. */
    public record Snapshot(Duration period, long requestCount, long target5xxCount, long elb5xxCount,
                           double averageResponseTimeMillis, Map<String, Long> requestCountByTarget,
                           Map<Integer, Long> elb5xxByStatus) {
        public Snapshot {
            requestCountByTarget = Map.copyOf(requestCountByTarget);
            elb5xxByStatus = Map.copyOf(elb5xxByStatus);
        }
    }

    private static final class Counts {
        final long sinceNanos = System.nanoTime();
        long requests;
        long target5xx;
        long elb5xx;
        long timedResponses;
        long responseNanos;
        final Map<String, long[]> byTarget = new HashMap<>(); // a one-element array: counted in place, no boxing
        final Map<Integer, long[]> elbByStatus = new HashMap<>();

        void routed(String targetId) {
            requests++;
            byTarget.computeIfAbsent(targetId, k -> new long[1])[0]++;
        }

        void targetResponse(int status, long nanos) {
            if (status >= 500) {
                target5xx++;
            }
            if (nanos >= 0) {
                timedResponses++;
                responseNanos += nanos;
            }
        }

        void elbError(int status) {
            elb5xx++;
            elbByStatus.computeIfAbsent(status, k -> new long[1])[0]++;
        }

        Snapshot snapshot() {
            double average = timedResponses == 0 ? 0 : responseNanos / 1_000_000.0 / timedResponses;
            return new Snapshot(Duration.ofNanos(System.nanoTime() - sinceNanos), requests, target5xx, elb5xx,
                    average, counts(byTarget), counts(elbByStatus));
        }

        private static <K> Map<K, Long> counts(Map<K, long[]> counters) {
            Map<K, Long> counts = new TreeMap<>();
            counters.forEach((key, count) -> counts.put(key, count[0]));
            return counts;
        }
    }

    private final Counts total = new Counts(); // guarded by this
    private Counts window = new Counts(); // guarded by this
    private final ArrayDeque<ElbError> recentElbErrors = new ArrayDeque<>(); // guarded by this

    TargetGroupMetrics() {
    }

    synchronized void recordRouted(String targetId) {
        total.routed(targetId);
        window.routed(targetId);
    }

    synchronized void recordTargetResponse(int status, long responseNanos) {
        total.targetResponse(status, responseNanos);
        window.targetResponse(status, responseNanos);
    }

    synchronized void recordElbError(int status) {
        recordElbError(status, null, null);
    }

    synchronized void recordElbError(int status, String targetId, String cause) {
        total.elbError(status);
        window.elbError(status);
        if (recentElbErrors.size() == RECENT_ELB_ERRORS) {
            recentElbErrors.removeFirst();
        }
        recentElbErrors.addLast(new ElbError(Instant.now(), System.nanoTime(), status, targetId, cause));
    }

    /** The last {@value #RECENT_ELB_ERRORS} answers the load balancer made itself for this group, oldest first. */
    public synchronized List<ElbError> recentElbErrors() {
        return List.copyOf(recentElbErrors);
    }

    public synchronized long requestCount() {
        return total.requests;
    }

    public synchronized long target5xxCount() {
        return total.target5xx;
    }

    /** 502, 503 and 504 made by the load balancer (not by a target). */
    public synchronized long elb5xxCount() {
        return total.elb5xx;
    }

    public synchronized double averageResponseTimeMillis() {
        return total.snapshot().averageResponseTimeMillis();
    }

    public synchronized Map<String, Long> requestCountByTarget() {
        return Map.copyOf(Counts.counts(total.byTarget));
    }

    /** Totals since the load balancer started. */
    public synchronized Snapshot snapshot() {
        return total.snapshot();
    }

    /** The window since the previous call (or the start), and a new window begins. */
    public synchronized Snapshot snapshotAndReset() {
        Snapshot snapshot = window.snapshot();
        window = new Counts();
        return snapshot;
    }

    @Override
    public String toString() {
        return snapshot().toString();
    }
}
