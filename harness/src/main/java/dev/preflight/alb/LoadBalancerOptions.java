package dev.preflight.alb;

import dev.preflight.time.TimeScale;
import java.time.Duration;

/**
 * Settings of the emulation that the topology does not hold.
 *
 * <p>Connect timeout: AWS gives up connecting to a target after a fixed 10 s and answers 504. Like
 * every other AWS duration it is compressed by the time scale (10 s becomes 167 ms at the default
 * factor 60), so its order against the idle timeout and the health-check timeout stays AWS's; it
 * never goes below {@link #MINIMUM_CONNECT_TIMEOUT} real time, where scheduler jitter on a loaded
 * machine, not the target, would decide. {@link #withConnectTimeout} sets it in real time.
 *
 * @param connectTimeout real-time connect timeout, or null for AWS's 10 s compressed
 */
public record LoadBalancerOptions(Duration connectTimeout) {
    public static final double AWS_CONNECT_TIMEOUT_SECONDS = 10;
    public static final Duration MINIMUM_CONNECT_TIMEOUT = Duration.ofMillis(100);

    public LoadBalancerOptions {
        if (connectTimeout != null && (connectTimeout.isNegative() || connectTimeout.isZero())) {
            throw new IllegalArgumentException("connectTimeout must be positive, got " + connectTimeout);
        }
    }

    public static LoadBalancerOptions defaults() {
        return new LoadBalancerOptions(null);
    }

    /** A connect timeout in real (already compressed) time. */
    public LoadBalancerOptions withConnectTimeout(Duration realTime) {
        return new LoadBalancerOptions(realTime);
    }

    Duration connectTimeout(TimeScale scale) {
        if (connectTimeout != null) {
            return connectTimeout;
        }
        Duration scaled = scale.seconds(AWS_CONNECT_TIMEOUT_SECONDS);
        return scaled.compareTo(MINIMUM_CONNECT_TIMEOUT) < 0 ? MINIMUM_CONNECT_TIMEOUT : scaled;
    }
}
