package dev.preflight.ecs;

import dev.preflight.aws.AwsClients;
import dev.preflight.topology.TargetGroup;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroupAttribute;

/**
 * A target group's settings as the ELBv2 API holds them now (DescribeTargetGroups and its
 * attributes), in the topology's terms: what the runtime's load balancer follows, so that a
 * ModifyTargetGroup (an apply of a changed topology, or the aws CLI) takes effect as on AWS.
 */
final class TargetGroupSettings {
    static final String DEREGISTRATION_DELAY = "deregistration_delay.timeout_seconds";
    static final String ALGORITHM = "load_balancing.algorithm.type";

    private TargetGroupSettings() {
    }

    /** The group's settings, or {@code current} where the engine does not say (the port is never changed in place). */
    static TargetGroup read(AwsClients aws, String targetGroupArn, TargetGroup current) {
        var tg = aws.elb().describeTargetGroups(r -> r.targetGroupArns(targetGroupArn)).targetGroups().get(0);
        Map<String, String> attributes = new LinkedHashMap<>();
        for (TargetGroupAttribute a : aws.elb().describeTargetGroupAttributes(r -> r.targetGroupArn(targetGroupArn)).attributes()) {
            attributes.put(a.key(), a.value());
        }
        TargetGroup.HealthCheck was = current.healthCheck();
        TargetGroup.HealthCheck check = new TargetGroup.HealthCheck(
                or(tg.healthCheckPath(), was.path()),
                or(tg.healthCheckIntervalSeconds(), was.intervalSeconds()),
                or(tg.healthCheckTimeoutSeconds(), was.timeoutSeconds()),
                or(tg.healthyThresholdCount(), was.healthyThreshold()),
                or(tg.unhealthyThresholdCount(), was.unhealthyThreshold()),
                tg.matcher() == null ? was.matcher() : or(tg.matcher().httpCode(), was.matcher()));
        String delay = attributes.get(DEREGISTRATION_DELAY);
        return new TargetGroup(current.port(), check,
                delay == null || delay.isBlank() ? current.deregistrationDelaySeconds() : Integer.valueOf(delay.trim()),
                or(blankToNull(attributes.get(ALGORITHM)), current.algorithm()));
    }

    private static <T> T or(T value, T fallback) {
        return value == null ? fallback : value;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
