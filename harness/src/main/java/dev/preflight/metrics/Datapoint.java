package dev.preflight.metrics;

import java.time.Instant;

/**
 * One value of a metric for one period: {@code period} is the collector's period number (0, 1, ...),
 * {@code at} the real moment the period ended, {@code unit} CloudWatch's unit name (Percent, Count,
 * Seconds).
 */
public record Datapoint(long period, Instant at, double value, String unit) {
    public Datapoint {
        if (at == null) {
            throw new IllegalArgumentException("a datapoint needs a time");
        }
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("a datapoint's value must be finite, got " + value + " for period " + period);
        }
    }
}
