package dev.preflight.scaling;

import java.util.List;

/**
 * A service's scalable target as Application Auto Scaling holds it ({@code service/<cluster>/<service>},
 * {@code ecs:service:DesiredCount}), with its target-tracking policies.
 */
public record ScalableTarget(String service, String resourceId, int min, int max, boolean scaleOutSuspended, boolean scaleInSuspended,
                             List<TargetTrackingPolicy> policies) {
    public ScalableTarget {
        policies = List.copyOf(policies);
    }
}
