package dev.preflight.ecs;

/**
 * The deployment circuit breaker (docs/aws-behaviour.md section 2): threshold =
 * clamp(ceil(0.5 x desired), minimum, 200); the minimum is 3 in current AWS documents (it was 10).
 * A failed launch or a task stopped for failing health checks adds one; a task reaching healthy
 * resets the count (resetOnHealthyTask). Reaching the threshold fails the deployment.
 */
public final class CircuitBreaker {
    public static final int DEFAULT_MINIMUM_THRESHOLD = 3;
    public static final int MAXIMUM_THRESHOLD = 200;

    private final boolean enabled;
    private final boolean rollback;
    private final int minimumThreshold;
    private int failures;
    private int totalFailures;

    public CircuitBreaker(boolean enabled, boolean rollback, int minimumThreshold) {
        this.enabled = enabled;
        this.rollback = rollback;
        this.minimumThreshold = minimumThreshold;
    }

    public static int threshold(int desired, int minimumThreshold) {
        int half = (int) Math.ceil(0.5 * desired);
        return Math.max(minimumThreshold, Math.min(MAXIMUM_THRESHOLD, half));
    }

    public int threshold(int desired) {
        return threshold(desired, minimumThreshold);
    }

    public synchronized void taskFailed() {
        failures++;
        totalFailures++;
    }

    public synchronized void taskHealthy() {
        failures = 0;
    }

    /** True once enabled and the consecutive failures reach the threshold for this desired count. */
    public synchronized boolean tripped(int desired) {
        return enabled && failures >= threshold(desired);
    }

    public synchronized int failures() {
        return failures;
    }

    /** Failed tasks of the deployment, as ECS reports them in Deployment.failedTasks. */
    public synchronized int totalFailures() {
        return totalFailures;
    }

    public boolean enabled() {
        return enabled;
    }

    public boolean rollback() {
        return rollback;
    }
}
