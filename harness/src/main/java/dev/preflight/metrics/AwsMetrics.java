package dev.preflight.metrics;

/**
 * The namespaces, metric names, units and dimensions under which AWS publishes the metrics the
 * runtime measures, and how the ALB dimensions are cut from ARNs.
 */
public final class AwsMetrics {
    public static final String ECS = "AWS/ECS";
    public static final String ALB = "AWS/ApplicationELB";

    public static final String CPU_UTILIZATION = "CPUUtilization";
    public static final String MEMORY_UTILIZATION = "MemoryUtilization";

    public static final String REQUEST_COUNT = "RequestCount";
    public static final String REQUEST_COUNT_PER_TARGET = "RequestCountPerTarget";
    public static final String TARGET_RESPONSE_TIME = "TargetResponseTime";
    public static final String TARGET_5XX_COUNT = "HTTPCode_Target_5XX_Count";
    public static final String HEALTHY_HOST_COUNT = "HealthyHostCount";

    public static final String PERCENT = "Percent";
    public static final String COUNT = "Count";
    public static final String SECONDS = "Seconds";

    private AwsMetrics() {
    }

    /** {@code AWS/ECS <name>} with ClusterName and ServiceName (AWS names, e.g. shop-dev-main, shop-dev-api). */
    public static MetricId ecsService(String clusterName, String serviceName, String metricName) {
        return MetricId.of(ECS, metricName, "ClusterName", clusterName, "ServiceName", serviceName);
    }

    /**
     * {@code AWS/ApplicationELB <name>} with LoadBalancer ({@code app/<name>/<id>}) and TargetGroup
     * ({@code targetgroup/<name>/<id>}).
     */
    public static MetricId targetGroup(String loadBalancerDimension, String targetGroupDimension, String metricName) {
        return MetricId.of(ALB, metricName, "LoadBalancer", loadBalancerDimension, "TargetGroup", targetGroupDimension);
    }

    /** {@code arn:...:loadbalancer/app/web/50dc6c495c0c9188} → {@code app/web/50dc6c495c0c9188}. */
    public static String loadBalancerDimension(String loadBalancerArn) {
        int at = loadBalancerArn.indexOf(":loadbalancer/");
        if (at < 0) {
            throw new IllegalArgumentException("not a load balancer ARN: " + loadBalancerArn);
        }
        return loadBalancerArn.substring(at + ":loadbalancer/".length());
    }

    /** {@code arn:...:targetgroup/api/73e2d6bc24d8a067} → {@code targetgroup/api/73e2d6bc24d8a067}. */
    public static String targetGroupDimension(String targetGroupArn) {
        int at = targetGroupArn.indexOf(":targetgroup/");
        if (at < 0) {
            throw new IllegalArgumentException("not a target group ARN: " + targetGroupArn);
        }
        return targetGroupArn.substring(at + 1);
    }

    /**
     * The two dimensions of an ALBRequestCountPerTarget ResourceLabel
     * ({@code app/<lb>/<id>/targetgroup/<tg>/<id>}): {LoadBalancer, TargetGroup}.
     */
    public static String[] splitResourceLabel(String resourceLabel) {
        int at = resourceLabel == null ? -1 : resourceLabel.indexOf("/targetgroup/");
        if (at < 0) {
            throw new IllegalArgumentException("an ALBRequestCountPerTarget ResourceLabel is app/<lb>/<id>/targetgroup/<tg>/<id>, got "
                    + resourceLabel);
        }
        return new String[] {resourceLabel.substring(0, at), resourceLabel.substring(at + 1)};
    }
}
