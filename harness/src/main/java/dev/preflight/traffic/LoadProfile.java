package dev.preflight.traffic;

import dev.preflight.time.TimeScale;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a {@link LoadGenerator} sends: a constant arrival rate for a fixed time (an open model), one
 * GET path with fixed headers, a cap on requests in flight and a per-request timeout.
 *
 * <p>The number of requests is fixed by rate and duration ({@link #totalRequests()}); a slow server
 * never lowers it, it shows as latency or as failures.
 */
public record LoadProfile(double requestsPerSecond, Duration duration, int maxConcurrency, String path,
                          Map<String, String> headers, Duration requestTimeout) {
    public static final int DEFAULT_MAX_CONCURRENCY = 256;
    public static final String DEFAULT_PATH = "/";
    public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(30);
    /** Bounds one run's memory (a record per request) and keeps a typo from meaning hours of load. */
    public static final long MAX_TOTAL_REQUESTS = 2_000_000;
    static final double MAX_REQUESTS_PER_SECOND = 100_000;
    static final int MAX_CONCURRENCY_LIMIT = 10_000;

    public LoadProfile {
        if (!(requestsPerSecond > 0) || requestsPerSecond > MAX_REQUESTS_PER_SECOND) {
            throw new IllegalArgumentException("requestsPerSecond must be > 0 and at most "
                    + (long) MAX_REQUESTS_PER_SECOND + ", got " + requestsPerSecond);
        }
        if (duration == null || duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException("duration must be positive, got " + duration);
        }
        if (maxConcurrency < 1 || maxConcurrency > MAX_CONCURRENCY_LIMIT) {
            throw new IllegalArgumentException("maxConcurrency must be between 1 and " + MAX_CONCURRENCY_LIMIT
                    + ", got " + maxConcurrency);
        }
        if (path == null || !path.startsWith("/") || path.chars().anyMatch(c -> c <= ' ')) {
            throw new IllegalArgumentException("path must start with '/' and contain no spaces or control "
                    + "characters, got " + (path == null ? "null" : "'" + path + "'"));
        }
        headers = copyHeaders(headers);
        if (requestTimeout == null || requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout must be positive, got " + requestTimeout);
        }
        long total = countRequests(requestsPerSecond, duration);
        if (total > MAX_TOTAL_REQUESTS) {
            throw new IllegalArgumentException("a load of " + requestsPerSecond + " requests/s for " + duration
                    + " schedules " + total + " requests, more than the limit of " + MAX_TOTAL_REQUESTS
                    + ": shorten the duration or lower the rate");
        }
    }

    /** The profile without a request timeout of its own (30 s). */
    public LoadProfile(double requestsPerSecond, Duration duration, int maxConcurrency, String path,
                       Map<String, String> headers) {
        this(requestsPerSecond, duration, maxConcurrency, path, headers, DEFAULT_REQUEST_TIMEOUT);
    }

    /** {@code rps} GETs of "/" per second for {@code duration}, at most 256 in flight, 30 s timeout. */
    public static LoadProfile of(double rps, Duration duration) {
        return new LoadProfile(rps, duration, DEFAULT_MAX_CONCURRENCY, DEFAULT_PATH, Map.of());
    }

    /**
     * A load shape given in AWS time: {@code rps} real requests per second (a rate is real, as the
     * metrics are) for {@code awsDuration} on the control plane's compressed clock. A two-minute
     * spike then lasts as many metric periods as on AWS (2 s at the default factor 60), so whether
     * target tracking reacts in time is AWS's answer, not the harness's.
     */
    public static LoadProfile ofAwsTime(double rps, Duration awsDuration, TimeScale scale) {
        return of(rps, scale.compressed(awsDuration));
    }

    public LoadProfile withMaxConcurrency(int max) {
        return new LoadProfile(requestsPerSecond, duration, max, path, headers, requestTimeout);
    }

    public LoadProfile withPath(String newPath) {
        return new LoadProfile(requestsPerSecond, duration, maxConcurrency, newPath, headers, requestTimeout);
    }

    public LoadProfile withHeader(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(headers);
        more.put(name, value);
        return new LoadProfile(requestsPerSecond, duration, maxConcurrency, path, more, requestTimeout);
    }

    public LoadProfile withRequestTimeout(Duration timeout) {
        return new LoadProfile(requestsPerSecond, duration, maxConcurrency, path, headers, timeout);
    }

    /** How many requests the run schedules: one every {@code 1/rps} seconds from 0 until the duration (at least 1). */
    public long totalRequests() {
        return countRequests(requestsPerSecond, duration);
    }

    /** When request {@code index} (from 0) is due, in nanoseconds after the run's start. */
    public long scheduledNanos(long index) {
        return Math.round(index * 1e9 / requestsPerSecond);
    }

    private static long countRequests(double rps, Duration duration) {
        // requests i = 0, 1, ... with i / rps < duration; the epsilon keeps 100/s * 2 s at 200, not 201
        return (long) Math.ceil(rps * (duration.toNanos() / 1e9) - 1e-9);
    }

    private static Map<String, String> copyHeaders(Map<String, String> headers) {
        if (headers == null) {
            return Map.of();
        }
        Map<String, String> copy = new LinkedHashMap<>();
        headers.forEach((name, value) -> {
            if (name == null || name.isBlank() || name.chars().anyMatch(c -> c <= ' ' || c == ':')) {
                throw new IllegalArgumentException("header name must be a non-empty token, got "
                        + (name == null ? "null" : "'" + name + "'"));
            }
            if (value == null || value.chars().anyMatch(c -> c == '\r' || c == '\n')) {
                throw new IllegalArgumentException("header '" + name + "' needs a value without line breaks, got "
                        + (value == null ? "null" : "'" + value + "'"));
            }
            copy.put(name, value);
        });
        return java.util.Collections.unmodifiableMap(copy);
    }
}
