package dev.preflight.scaling;

import java.util.List;
import java.util.OptionalInt;

/**
 * The outcome of one evaluation: the new desired count (empty: unchanged), the activity entries to
 * log (changes and non-changes with their reasons) and the history for the next evaluation.
 */
public record ScalingDecision(OptionalInt desired, List<ScalingActivity> activities, ScalingHistory history) {
    public ScalingDecision {
        activities = List.copyOf(activities);
    }

    static ScalingDecision none(ScalingHistory history) {
        return new ScalingDecision(OptionalInt.empty(), List.of(), history);
    }
}
