package dev.preflight.time;

import java.time.Duration;

/**
 * Compresses AWS's durations so a scenario ends in seconds while keeping their order and ratios.
 * Every duration of the topology (health-check interval and timeout, grace period, deregistration
 * delay, stopTimeout, cooldowns) is divided by one factor: with the default 60, AWS's 30 s health
 * check interval becomes 0.5 s and a 300 s deregistration delay 5 s.
 *
 * <p>Set with {@code -Dpreflight.timeScale=60} (or PREFLIGHT_TIME_SCALE). 1 means real time.
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

    /** An AWS duration in seconds, compressed. */
    public Duration seconds(double awsSeconds) {
        return Duration.ofNanos(Math.round(awsSeconds * 1_000_000_000L / factor));
    }

    public Duration scale(Duration aws) {
        return Duration.ofNanos(Math.round(aws.toNanos() / factor));
    }

    /** A compressed duration back in AWS seconds, for reports. */
    public double toAwsSeconds(Duration compressed) {
        return compressed.toNanos() * factor / 1_000_000_000.0;
    }
}
