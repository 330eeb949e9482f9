package dev.preflight.topology;

import java.util.List;

/** Target-tracking autoscaling of the service's desired count (Application Auto Scaling). */
public record Autoscaling(Integer min, Integer max, List<ScalingPolicy> policies) {
    public Autoscaling {
        policies = Maps.copy(policies);
    }

    /** Cooldowns default to 300 s for ECS; scale-in is enabled unless disableScaleIn. */
    public record ScalingPolicy(String metric, Double targetValue, Integer scaleOutCooldownSeconds,
                                Integer scaleInCooldownSeconds, Boolean disableScaleIn) {
        public ScalingPolicy {
            scaleOutCooldownSeconds = scaleOutCooldownSeconds == null ? 300 : scaleOutCooldownSeconds;
            scaleInCooldownSeconds = scaleInCooldownSeconds == null ? 300 : scaleInCooldownSeconds;
            disableScaleIn = disableScaleIn != null && disableScaleIn;
        }
    }
}
