package dev.preflight.topology;

import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/** Target-tracking autoscaling of the service's desired count (Application Auto Scaling). */
public record Autoscaling(Integer min, Integer max, List<ScalingPolicy> policies) {
    public Autoscaling {
        policies = Maps.copy(policies);
    }

    public Autoscaling withMin(int newMin) {
        return new Autoscaling(newMin, max, policies);
    }

    public Autoscaling withMax(int newMax) {
        return new Autoscaling(min, newMax, policies);
    }

    public Autoscaling withPolicies(List<ScalingPolicy> newPolicies) {
        return new Autoscaling(min, max, newPolicies);
    }

    /** The same autoscaling with the policy on {@code metric} changed (it must exist). */
    public Autoscaling withPolicy(String metric, UnaryOperator<ScalingPolicy> change) {
        List<ScalingPolicy> changed = new ArrayList<>();
        boolean found = false;
        for (ScalingPolicy policy : policies) {
            if (policy.metric().equals(metric)) {
                changed.add(change.apply(policy));
                found = true;
            } else {
                changed.add(policy);
            }
        }
        if (!found) {
            throw new IllegalArgumentException("No scaling policy on " + metric + " in " + policies);
        }
        return new Autoscaling(min, max, changed);
    }

    /** The same autoscaling with only the policy on {@code metric} (it must exist). */
    public Autoscaling withOnlyPolicy(String metric) {
        List<ScalingPolicy> only = policies.stream().filter(p -> p.metric().equals(metric)).toList();
        if (only.isEmpty()) {
            throw new IllegalArgumentException("No scaling policy on " + metric + " in " + policies);
        }
        return new Autoscaling(min, max, only);
    }

    /** Cooldowns default to 300 s for ECS; scale-in is enabled unless disableScaleIn. */
    public record ScalingPolicy(String metric, Double targetValue, Integer scaleOutCooldownSeconds,
                                Integer scaleInCooldownSeconds, Boolean disableScaleIn) {
        public ScalingPolicy {
            scaleOutCooldownSeconds = scaleOutCooldownSeconds == null ? 300 : scaleOutCooldownSeconds;
            scaleInCooldownSeconds = scaleInCooldownSeconds == null ? 300 : scaleInCooldownSeconds;
            disableScaleIn = disableScaleIn != null && disableScaleIn;
        }

        public ScalingPolicy withTargetValue(double newTargetValue) {
            return new ScalingPolicy(metric, newTargetValue, scaleOutCooldownSeconds, scaleInCooldownSeconds, disableScaleIn);
        }

        public ScalingPolicy withScaleOutCooldownSeconds(int seconds) {
            return new ScalingPolicy(metric, targetValue, seconds, scaleInCooldownSeconds, disableScaleIn);
        }

        public ScalingPolicy withScaleInCooldownSeconds(int seconds) {
            return new ScalingPolicy(metric, targetValue, scaleOutCooldownSeconds, seconds, disableScaleIn);
        }

        public ScalingPolicy withDisableScaleIn(boolean disable) {
            return new ScalingPolicy(metric, targetValue, scaleOutCooldownSeconds, scaleInCooldownSeconds, disable);
        }
    }
}
