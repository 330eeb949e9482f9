package dev.preflight.scaling;

import java.time.Instant;
import java.util.List;

/**
 * Everything one evaluation of a scalable target decides on: its capacity and range, each policy's
 * alarms for this period, the cooldown history, and whether an ECS deployment is in progress.
 */
public record ScalingSituation(String service, String resourceId, int current, int min, int max, List<PolicyEvaluation> policies,
                               ScalingHistory history, Instant now, boolean deploymentInProgress, boolean scaleOutSuspended,
                               boolean scaleInSuspended, ScaleInRule scaleInRule) {
    public ScalingSituation {
        if (min > max) {
            throw new IllegalArgumentException(resourceId + ": min capacity " + min + " is greater than max " + max);
        }
        policies = List.copyOf(policies);
        history = history == null ? ScalingHistory.NONE : history;
    }
}
