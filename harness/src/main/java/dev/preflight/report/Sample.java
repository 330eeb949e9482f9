package dev.preflight.report;

import java.time.Instant;

/** One observation of a series: a value (e.g. running tasks of v2) at a moment. */
public record Sample(Instant at, double value) {
    public Sample {
        if (at == null) {
            throw new IllegalArgumentException("a sample needs a time");
        }
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("a sample's value must be a finite number, got " + value + " at " + at);
        }
    }
}
