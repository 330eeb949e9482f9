package dev.preflight.bench;

/**
 * One closed-loop measurement: completed requests per second and the latency percentiles, from
 * wrk or from {@link ThroughputProbe}.
 *
 * @param failed requests without a 2xx/3xx answer (socket errors, timeouts, other statuses)
 */
record LoadResult(double requestsPerSecond, double p50Millis, double p99Millis, long requests, long failed) {
}
