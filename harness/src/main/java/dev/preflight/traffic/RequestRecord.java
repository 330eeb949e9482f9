package dev.preflight.traffic;

/**
 * The outcome of one scheduled request. Times are nanoseconds after the run's start
 * ({@link LoadRun#startNanoTime()}); latency counts from when the request was due, not from when it
 * went out, so a stalled sender cannot hide waiting time (no coordinated omission).
 *
 * @param status the HTTP status, or 0 when no complete response arrived
 * @param version the version that answered: the answering task's, as the load balancer and the
 *                runtime know it ({@link Responders}), else the response's {@code X-App-Version}
 *                header; null when neither is known
 * @param error null on a complete response; otherwise what went wrong, e.g. "Connection refused",
 *              {@link #CONCURRENCY_LIMIT} or {@link #NOT_FINISHED}
 * @param target the load balancer's target that answered (an ECS task id), or null when unknown
 */
public record RequestRecord(long scheduledNanos, long startNanos, long endNanos, int status, String version,
                            String error, String path, String target) {
    /** The request was due while maxConcurrency requests were in flight, so it was not sent. */
    public static final String CONCURRENCY_LIMIT = "concurrency limit";
    /** The run stopped waiting before this request completed. */
    public static final String NOT_FINISHED = "not finished";
    /** The scheduler fell so far behind (a frozen machine) that the request was given up unsent. */
    public static final String NOT_SENT_LATE = "not sent: scheduler late";

    /** A record without a known target. */
    public RequestRecord(long scheduledNanos, long startNanos, long endNanos, int status, String version, String error, String path) {
        this(scheduledNanos, startNanos, endNanos, status, version, error, path, null);
    }

    /** A 2xx or 3xx response. */
    public boolean ok() {
        return error == null && status >= 200 && status < 400;
    }

    /** From when the request was due to when it ended. */
    public long latencyNanos() {
        return endNanos - scheduledNanos;
    }

    public double latencyMillis() {
        return latencyNanos() / 1e6;
    }

    /** Whether the request went out at all; the ones that didn't carry no latency worth measuring. */
    public boolean sent() {
        return !CONCURRENCY_LIMIT.equals(error) && !NOT_SENT_LATE.equals(error);
    }
}
