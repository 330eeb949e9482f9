package dev.preflight.bench;

/**
 * One closed-loop measurement: completed requests per second and the latency percentiles, from
 * wrk or from {@link ThroughputProbe}; with the CPU time the proxy spent per request when a proxy
 * was measured (NaN otherwise).
 *
 * @param failed requests without a 2xx/3xx answer (socket errors, timeouts, other statuses)
 * @param proxyCpuMicrosPerRequest CPU time (user and system, all threads and child processes) of
 *                                 the proxy over the run, divided by the requests: unlike
 *                                 throughput it hardly depends on what else the machine runs
 */
record LoadResult(double requestsPerSecond, double p50Millis, double p99Millis, long requests, long failed,
                  double proxyCpuMicrosPerRequest) {
    LoadResult(double requestsPerSecond, double p50Millis, double p99Millis, long requests, long failed) {
        this(requestsPerSecond, p50Millis, p99Millis, requests, failed, Double.NaN);
    }

    LoadResult withProxyCpu(long cpuNanos) {
        return new LoadResult(requestsPerSecond, p50Millis, p99Millis, requests, failed,
                requests == 0 ? Double.NaN : cpuNanos / 1000.0 / requests);
    }
}
