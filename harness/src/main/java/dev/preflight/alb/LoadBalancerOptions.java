package dev.preflight.alb;

import java.time.Duration;

/**
 * Settings of the emulation that the topology does not hold.
 *
 * <p>Connect timeout: AWS gives up connecting to a target after a fixed 10 s and answers 504. It is a
 * deadline the application races, so it runs on the real clock, AWS's own number, whatever the time
 * scale (docs/aws-behaviour.md, "Time: two clocks"). {@link #withConnectTimeout} changes it, for
 * tests that want to watch a 504 sooner.
 */
public record LoadBalancerOptions(Duration connectTimeout) {
    /** AWS's fixed connect timeout towards a target. */
    public static final Duration AWS_CONNECT_TIMEOUT = Duration.ofSeconds(10);

    public LoadBalancerOptions {
        if (connectTimeout == null || connectTimeout.isNegative() || connectTimeout.isZero()) {
            throw new IllegalArgumentException("connectTimeout must be positive, got " + connectTimeout);
        }
    }

    public static LoadBalancerOptions defaults() {
        return new LoadBalancerOptions(AWS_CONNECT_TIMEOUT);
    }

    /** Another connect timeout, in real time. */
    public LoadBalancerOptions withConnectTimeout(Duration realTime) {
        return new LoadBalancerOptions(realTime);
    }
}
