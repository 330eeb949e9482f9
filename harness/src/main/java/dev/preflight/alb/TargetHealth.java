package dev.preflight.alb;

/**
 * A target's health as DescribeTargetHealth reports it: state, reason code (null when healthy) and
 * description (null when healthy).
 */
public record TargetHealth(TargetState state, String reason, String description) {
    static final TargetHealth INITIAL = new TargetHealth(TargetState.INITIAL,
            "Elb.InitialHealthChecking", "Initial health checks in progress");
    static final TargetHealth HEALTHY = new TargetHealth(TargetState.HEALTHY, null, null);
    static final TargetHealth DRAINING = new TargetHealth(TargetState.DRAINING,
            "Target.DeregistrationInProgress", "Target deregistration is in progress");
    static final TargetHealth UNUSED = new TargetHealth(TargetState.UNUSED,
            "Target.NotRegistered", "Target is not registered to the target group");

    @Override
    public String toString() {
        return reason == null ? state.asAws() : state.asAws() + " (" + reason + ": " + description + ")";
    }
}
