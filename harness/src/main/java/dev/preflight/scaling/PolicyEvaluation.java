package dev.preflight.scaling;

import java.util.OptionalDouble;

/** A policy and what its two alarms say this period. */
public record PolicyEvaluation(TargetTrackingPolicy policy, AlarmEvaluation high, AlarmEvaluation low) {
    /** The newest datapoint of the metric in the alarms' windows. */
    public OptionalDouble latest() {
        return high.latest().isPresent() ? high.latest() : low.latest();
    }
}
