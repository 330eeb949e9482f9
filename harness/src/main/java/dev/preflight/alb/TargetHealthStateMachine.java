package dev.preflight.alb;

/**
 * The ALB health state of one target (docs/aws-behaviour.md section 3). A new target is {@code initial}
 * and needs ONE passing check to become {@code healthy}; {@code unhealthyThreshold} consecutive
 * failures make an initial or healthy target {@code unhealthy}; only recovering from unhealthy needs
 * {@code healthyThreshold} consecutive passes. Deregistration moves it to {@code draining}, then
 * {@code unused}; checks no longer count from then on.
 *
 * <p>Only counted checks (AWS's schedule) move it, except that a probe's pass makes an initial
 * target healthy: {@link HealthChecker} explains the two kinds.
 *
 * <p>Not thread-safe: its target group calls it under the group's lock.
 */
final class TargetHealthStateMachine {
    /** A state change, to report to listeners. */
    record Transition(TargetState from, TargetState to, String reason) {
    }

    /** One health check's outcome: a pass, or a failure with AWS's reason code and description. */
    record CheckResult(boolean passed, String reason, String description) {
        static final CheckResult PASS = new CheckResult(true, null, null);

        static CheckResult failed(String reason, String description) {
            return new CheckResult(false, reason, description);
        }
    }

    private int healthyThreshold;
    private int unhealthyThreshold;
    private TargetHealth health = TargetHealth.INITIAL;
    private int consecutivePasses;
    private int consecutiveFailures;

    TargetHealthStateMachine(int healthyThreshold, int unhealthyThreshold) {
        this.healthyThreshold = healthyThreshold;
        this.unhealthyThreshold = unhealthyThreshold;
    }

    /** New thresholds from a changed health check; the counts so far are kept. */
    void thresholds(int healthy, int unhealthy) {
        this.healthyThreshold = healthy;
        this.unhealthyThreshold = unhealthy;
    }

    TargetHealth health() {
        return health;
    }

    TargetState state() {
        return health.state();
    }

    /** Applies a counted check's outcome; returns the transition it caused, or null. */
    Transition onCheck(CheckResult result) {
        return onCheck(result, true);
    }

    /**
     * Applies a check's outcome; a probe ({@code counted} false) only ends the initial state with a
     * pass. Returns the transition it caused, or null.
     */
    Transition onCheck(CheckResult result, boolean counted) {
        TargetState state = health.state();
        if (state == TargetState.DRAINING || state == TargetState.UNUSED) {
            return null; // a check that was already running when draining began
        }
        if (!counted) {
            return state == TargetState.INITIAL && result.passed() ? move(TargetHealth.HEALTHY) : null;
        }
        if (result.passed()) {
            consecutiveFailures = 0;
            consecutivePasses++;
            boolean becomesHealthy = state == TargetState.INITIAL
                    || (state == TargetState.UNHEALTHY && consecutivePasses >= healthyThreshold);
            return becomesHealthy ? move(TargetHealth.HEALTHY) : null;
        }
        consecutivePasses = 0;
        consecutiveFailures++;
        TargetHealth failed = new TargetHealth(TargetState.UNHEALTHY, result.reason(), result.description());
        if (state == TargetState.UNHEALTHY) {
            health = failed; // stays unhealthy; the reason shows the latest failure
            return null;
        }
        return consecutiveFailures >= unhealthyThreshold ? move(failed) : null;
    }

    Transition drain() {
        return move(TargetHealth.DRAINING);
    }

    Transition unused() {
        return move(TargetHealth.UNUSED);
    }

    private Transition move(TargetHealth next) {
        TargetState from = health.state();
        health = next;
        consecutivePasses = 0;
        consecutiveFailures = 0;
        return new Transition(from, next.state(), next.reason());
    }
}
