package dev.preflight.ecs;

/**
 * ECS's rolling-update arithmetic (docs/aws-behaviour.md section 1): during a deployment at least
 * ceil(desired x minimumHealthyPercent / 100) tasks stay healthy, and at most
 * floor(desired x maximumPercent / 100) tasks are RUNNING or PENDING.
 */
public record RollingUpdatePolicy(int minimumHealthyPercent, int maximumPercent) {

    /** Healthy tasks that must remain: min 50 % of 4 is 2; min 75 % of 2 is ceil(1.5) = 2. */
    public int healthyFloor(int desired) {
        return (int) Math.ceil(desired * minimumHealthyPercent / 100.0);
    }

    /** Tasks that may run or be pending at once: max 125 % of 3 is floor(3.75) = 3. */
    public int runningCap(int desired) {
        return (int) Math.floor(desired * maximumPercent / 100.0);
    }

    /** Whether one more task may be started while {@code active} tasks run or are pending. */
    public boolean mayStart(int desired, int active) {
        return active < runningCap(desired);
    }

    /** Whether one healthy task may be stopped while {@code healthy} tasks are healthy. */
    public boolean mayStopHealthy(int desired, int healthy) {
        return healthy - 1 >= healthyFloor(desired);
    }

    /**
     * True when a deployment that has to replace tasks can neither start (the cap is reached
     * by the current tasks) nor stop one (the floor needs every current task): ECS then reports
     * that it is unable to stop or start tasks and stays stuck.
     */
    public boolean deadlocked(int desired) {
        return runningCap(desired) <= desired && healthyFloor(desired) >= desired && desired > 0;
    }
}
