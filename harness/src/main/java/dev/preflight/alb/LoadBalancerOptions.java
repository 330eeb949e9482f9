package dev.preflight.alb;

import dev.preflight.time.TimeScale;
import java.time.Duration;

/**
 * Settings of the emulation that the topology does not hold.
 *
 * <p>Connect timeout: AWS gives up connecting to a target after a fixed 10 s and answers 504. Like
 * every other AWS duration it is compressed by the time scale (10 s becomes 167 ms at the default
 * factor 60), so its order against the idle timeout stays AWS's. {@link #withConnectTimeout} sets
 * it in real time instead.
 *
 * <p>Minimum timeout: the connect timeout and the health-check timeout never go below this real
 * time (default {@value #DEFAULT_MINIMUM_TIMEOUT_MILLIS} ms). Compressed, AWS's 5 s check timeout is
 * 83 ms, and on a loaded two-core machine a pause of the JVM or the scheduler, not the target, would
 * then decide whether a check passes: targets would flap. The idle timeout and the deregistration
 * delay are not floored: scenarios set them on purpose. {@code withMinimumTimeout(Duration.ZERO)}
 * gives the pure compressed values.
 *
 * @param connectTimeout real-time connect timeout, or null for AWS's 10 s compressed
 * @param minimumTimeout real-time floor of the connect and health-check timeouts
 * @param minimumIdleTimeout real-time floor of the idle timeout (zero: none). Compressed, AWS's 60 s
 *                           is 1 s, shorter than a new task's first request to its database, and a
 *                           keep-alive connection closed after 1 s races with the client reusing it
 */
public record LoadBalancerOptions(Duration connectTimeout, Duration minimumTimeout, Duration minimumIdleTimeout) {
    public static final double AWS_CONNECT_TIMEOUT_SECONDS = 10;
    public static final long DEFAULT_MINIMUM_TIMEOUT_MILLIS = 200;

    public LoadBalancerOptions(Duration connectTimeout, Duration minimumTimeout) {
        this(connectTimeout, minimumTimeout, Duration.ZERO);
    }

    public LoadBalancerOptions {
        minimumIdleTimeout = minimumIdleTimeout == null ? Duration.ZERO : minimumIdleTimeout;
        if (connectTimeout != null && (connectTimeout.isNegative() || connectTimeout.isZero())) {
            throw new IllegalArgumentException("connectTimeout must be positive, got " + connectTimeout);
        }
        if (minimumTimeout == null || minimumTimeout.isNegative()) {
            throw new IllegalArgumentException("minimumTimeout must be zero or positive, got " + minimumTimeout);
        }
    }

    public static LoadBalancerOptions defaults() {
        return new LoadBalancerOptions(null, Duration.ofMillis(DEFAULT_MINIMUM_TIMEOUT_MILLIS));
    }

    /** A connect timeout in real (already compressed) time. */
    public LoadBalancerOptions withConnectTimeout(Duration realTime) {
        return new LoadBalancerOptions(realTime, minimumTimeout, minimumIdleTimeout);
    }

    /** The real-time floor of the connect and health-check timeouts; zero for none. */
    public LoadBalancerOptions withMinimumTimeout(Duration realTime) {
        return new LoadBalancerOptions(connectTimeout, realTime, minimumIdleTimeout);
    }

    /** The real-time floor of the idle timeout; zero for none (the scaled value as it is). */
    public LoadBalancerOptions withMinimumIdleTimeout(Duration realTime) {
        return new LoadBalancerOptions(connectTimeout, minimumTimeout, realTime);
    }

    long idleTimeoutMillis(TimeScale scale, int awsSeconds) {
        long scaled = Math.max(1, scale.seconds(awsSeconds).toMillis());
        return Math.max(scaled, minimumIdleTimeout.toMillis());
    }

    Duration connectTimeout(TimeScale scale) {
        return connectTimeout != null ? connectTimeout : floored(scale.seconds(AWS_CONNECT_TIMEOUT_SECONDS));
    }

    Duration healthCheckTimeout(TimeScale scale, int awsSeconds) {
        return floored(scale.seconds(awsSeconds));
    }

    private Duration floored(Duration scaled) {
        Duration atLeast = scaled.compareTo(minimumTimeout) < 0 ? minimumTimeout : scaled;
        return atLeast.isZero() ? Duration.ofMillis(1) : atLeast; // 0 would mean "no timeout" to Jetty
    }
}
