package dev.preflight.time;

import java.time.Duration;

/**
 * The two clocks of the runtime (docs/aws-behaviour.md, "Time: two clocks").
 *
 * <p>The application lives on the real clock: it serves, starts and shuts down in real time. AWS's
 * control plane runs on a compressed clock, faster by one factor (60 by default), but only where
 * nothing the application does is raced against it. Every AWS duration in the runtime goes through
 * one of two methods, and the choice is the rule:
 * <ul>
 *   <li>{@link #compressed}: waits whose end the application cannot observe — cooldowns, metric and
 *       alarm periods, the idle remainder of a drain, the spacing of probes that look for a starting
 *       target's or container's first pass — and load shapes a scenario gives in AWS time;</li>
 *   <li>{@link #real}: every deadline that decides whether the application is judged failed or is
 *       cut off — the deregistration delay while a request is in flight, {@code stopTimeout}, the
 *       grace period and a container's {@code startPeriod}, each health check's timeout, the time a
 *       failing target or container needs to be declared unhealthy, the idle and connect timeouts.
 *       A real deadline ends as soon as its outcome is decided (a healthy check seen, nothing left in
 *       flight, the process exited), so healthy deploys still finish in seconds.</li>
 * </ul>
 * A harness that reports downtime AWS would not have, or misses downtime AWS would have, is wrong;
 * speed comes second.
 *
 * <p>Set the factor with {@code -Dpreflight.timeScale=60} (or PREFLIGHT_TIME_SCALE); 1 runs the
 * control plane in real time too.
 */
public record TimeScale(double factor) {
    public static final String PROPERTY = "preflight.timeScale";
    public static final double DEFAULT_FACTOR = 60;

    public TimeScale {
        if (!(factor >= 1)) {
            throw new IllegalArgumentException(PROPERTY + " must be a number >= 1 (1 = real time), got " + factor);
        }
    }

    public static TimeScale fromSystem() {
        String value = System.getProperty(PROPERTY, System.getenv("PREFLIGHT_TIME_SCALE"));
        if (value == null || value.isBlank()) {
            return new TimeScale(DEFAULT_FACTOR);
        }
        try {
            return new TimeScale(Double.parseDouble(value.trim()));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PROPERTY + " must be a number >= 1, got '" + value + "'");
        }
    }

    public static TimeScale realTime() {
        return new TimeScale(1);
    }

    /** A control-plane wait of {@code awsSeconds} on the compressed clock. */
    public Duration compressed(double awsSeconds) {
        return Duration.ofNanos(Math.round(awsSeconds * 1_000_000_000L / factor));
    }

    /** A control-plane wait on the compressed clock. */
    public Duration compressed(Duration aws) {
        return Duration.ofNanos(Math.round(aws.toNanos() / factor));
    }

    /**
     * A deadline the application races: AWS's own number on the real clock, whatever the factor.
     * Named so that every call site says which clock it chose.
     */
    public Duration real(double awsSeconds) {
        return Duration.ofNanos(Math.round(awsSeconds * 1_000_000_000L));
    }
}
