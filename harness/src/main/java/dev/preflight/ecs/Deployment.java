package dev.preflight.ecs;

import java.time.Instant;

/**
 * One ECS deployment of a service: a task definition rolled out to the desired count. Status
 * PRIMARY (the newest), ACTIVE (older, still has tasks), INACTIVE (fully replaced); rolloutState
 * IN_PROGRESS, COMPLETED or FAILED. A FAILED deployment launches no new tasks.
 */
public final class Deployment {
    public enum Status { PRIMARY, ACTIVE, INACTIVE }

    public enum RolloutState { IN_PROGRESS, COMPLETED, FAILED }

    private final String id;
    private final String taskDefinitionArn;
    private final String version;
    private final Instant createdAt;
    private final CircuitBreaker circuitBreaker;
    private final boolean rollbackOf;
    private volatile Status status = Status.PRIMARY;
    private volatile RolloutState rolloutState = RolloutState.IN_PROGRESS;
    private volatile String rolloutStateReason;
    private volatile Instant updatedAt;

    Deployment(String id, String taskDefinitionArn, String version, Instant createdAt, CircuitBreaker circuitBreaker, boolean rollbackOf) {
        this.id = id;
        this.taskDefinitionArn = taskDefinitionArn;
        this.version = version;
        this.createdAt = createdAt;
        this.updatedAt = createdAt;
        this.circuitBreaker = circuitBreaker;
        this.rollbackOf = rollbackOf;
        this.rolloutStateReason = rollbackOf ? "ECS deployment circuit breaker: rolling back to the last completed deployment"
                : "ECS deployment " + id + " in progress.";
    }

    public String id() {
        return id;
    }

    public String taskDefinitionArn() {
        return taskDefinitionArn;
    }

    /** The APP_VERSION of the deployment's image, for reports. */
    public String version() {
        return version;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Instant updatedAt() {
        return updatedAt;
    }

    public Status status() {
        return status;
    }

    public RolloutState rolloutState() {
        return rolloutState;
    }

    public String rolloutStateReason() {
        return rolloutStateReason;
    }

    public boolean isRollback() {
        return rollbackOf;
    }

    public CircuitBreaker circuitBreaker() {
        return circuitBreaker;
    }

    public int failedTasks() {
        return circuitBreaker.totalFailures();
    }

    void status(Status status, Instant at) {
        this.status = status;
        this.updatedAt = at;
    }

    void complete(Instant at) {
        rolloutState = RolloutState.COMPLETED;
        rolloutStateReason = "ECS deployment " + id + " completed.";
        updatedAt = at;
    }

    void fail(String reason, Instant at) {
        rolloutState = RolloutState.FAILED;
        rolloutStateReason = reason;
        updatedAt = at;
    }

    @Override
    public String toString() {
        return id + " " + status + " " + rolloutState + " (" + version + ")";
    }
}
