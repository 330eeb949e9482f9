package dev.preflight.topology;

/** The validation rules of a service's autoscaling: min, max, desired count and target-tracking policies. */
final class AutoscalingRules extends ValidationRules {
    AutoscalingRules(ValidationRules context) {
        super(context);
    }

    void autoscaling(String path, EcsService service) {
        Autoscaling scaling = service.autoscaling();
        if (scaling == null) {
            return;
        }
        String scalingPath = path + ".autoscaling";
        boolean min = required(scaling.min(), scalingPath + ".min", "give the minimum task count, e.g. 'min: 1'");
        boolean max = required(scaling.max(), scalingPath + ".max", "give the maximum task count, e.g. 'max: 4'");
        if (min && scaling.min() < 0) {
            problem(scalingPath + ".min", "min (" + scaling.min() + ") is negative", "use 0 or more");
            min = false;
        }
        if (min && max) {
            if (scaling.min() > scaling.max()) {
                problem(scalingPath + ".min", "min (" + scaling.min() + ") is greater than max (" + scaling.max() + ")",
                        "lower min or raise max so that min <= max", scalingPath + ".max");
            }
            // A desiredCount outside [min, max] is accepted by ECS (autoscaling moves it at its first evaluation):
            // the gate's static rule autoscaling-max (dev.preflight.check.StaticRules) says so.
        }
        if (scaling.policies().isEmpty()) {
            problem(scalingPath + ".policies", "autoscaling has no policy", "add a target-tracking policy, e.g. "
                    + "'{ metric: " + CPU_METRIC + ", targetValue: 60 }'");
        }
        for (int i = 0; i < scaling.policies().size(); i++) {
            policy(scalingPath + ".policies[" + i + "]", scaling.policies().get(i), service);
        }
    }

    private void policy(String path, Autoscaling.ScalingPolicy policy, EcsService service) {
        if (policy == null) {
            problem(path, "is empty", "write '{ metric: " + CPU_METRIC + ", targetValue: 60 }'");
            return;
        }
        if (required(policy.metric(), path + ".metric", "use one of " + METRICS)
                && oneOf(path + ".metric", policy.metric(), METRICS, "metric")
                && policy.metric().equals(REQUEST_METRIC) && service.targetGroup() == null) {
            problem(path + ".metric", REQUEST_METRIC + " needs the service to have a targetGroup",
                    "give the service a targetGroup or use " + CPU_METRIC);
        }
        if (required(policy.targetValue(), path + ".targetValue", "give the target value, e.g. 'targetValue: 60'")) {
            boolean percent = CPU_METRIC.equals(policy.metric()) || MEMORY_METRIC.equals(policy.metric());
            if (policy.targetValue() <= 0 || (percent && policy.targetValue() > 100)) {
                problem(path + ".targetValue", "targetValue " + format(policy.targetValue()) + " is out of range"
                                + (percent ? " for a percentage (0 < value <= 100)" : " (must be greater than 0)"),
                        percent ? "use a percentage above 0 and at most 100, e.g. 60" : "use a value greater than 0");
            }
        }
        if (policy.scaleOutCooldownSeconds() < 0) {
            problem(path + ".scaleOutCooldownSeconds", "scaleOutCooldownSeconds is negative", "use 0 or more (default 300)");
        }
        if (policy.scaleInCooldownSeconds() < 0) {
            problem(path + ".scaleInCooldownSeconds", "scaleInCooldownSeconds is negative", "use 0 or more (default 300)");
        }
    }
}
