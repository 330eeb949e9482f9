package dev.preflight.scaling;

import dev.preflight.metrics.MetricId;
import java.time.Duration;

/**
 * A target-tracking scaling policy as Application Auto Scaling holds it, with the metric it tracks
 * resolved to a {@link MetricId} and its cooldowns both in AWS seconds and compressed.
 *
 * @param metricType the predefined metric type (e.g. ALBRequestCountPerTarget) or the customized metric's name
 */
public record TargetTrackingPolicy(String policyName, String policyArn, String metricType, MetricId metric, double targetValue,
                                   int scaleOutCooldownSeconds, int scaleInCooldownSeconds, Duration scaleOutCooldown,
                                   Duration scaleInCooldown, boolean disableScaleIn, String highAlarmName, String lowAlarmName) {
    /** ECS's cooldown default when a policy does not set one (docs/aws-behaviour.md section 4). */
    public static final int DEFAULT_COOLDOWN_SECONDS = 300;

    public TargetTrackingPolicy {
        if (!(targetValue > 0) || !Double.isFinite(targetValue)) {
            throw new IllegalArgumentException("policy " + policyName + ": the target value must be a positive number, got " + targetValue);
        }
    }
}
