package dev.preflight.ecs;

import dev.preflight.runtime.RunningTask;
import java.time.Instant;

/**
 * One task of a service, with ECS's lifecycle: PROVISIONING, PENDING, ACTIVATING, RUNNING,
 * DEACTIVATING (targets draining), STOPPING (SIGTERM, then SIGKILL after stopTimeout),
 * DEPROVISIONING, STOPPED, plus its health and why it stopped.
 */
public final class EcsTask {
    public enum LastStatus { PROVISIONING, PENDING, ACTIVATING, RUNNING, DEACTIVATING, STOPPING, DEPROVISIONING, STOPPED }

    public enum HealthStatus { UNKNOWN, HEALTHY, UNHEALTHY }

    private final String taskId;
    private final String taskArn;
    private final Deployment deployment;
    private final Instant createdAt;
    private final String privateIp;
    private volatile RunningTask process;
    private volatile LastStatus lastStatus = LastStatus.PROVISIONING;
    private volatile HealthStatus healthStatus = HealthStatus.UNKNOWN;
    private volatile HealthStatus containerHealth = HealthStatus.UNKNOWN;
    private volatile Instant startedAt;
    private volatile Instant runningAt;
    private volatile Instant stopSignalAt;
    private volatile Instant stoppedAt;
    private volatile String stoppedReason;
    private volatile Integer exitCode;
    private volatile String unhealthyReason;
    private volatile String containerReason;
    private volatile boolean stopRequested;
    private final String subnet;
    private final String availabilityZone;
    /** Processes charged to the task besides its container (a stress sidecar): ECS's task-level usage counts every container. */
    private final java.util.List<ProcessHandle> sidecars = new java.util.concurrent.CopyOnWriteArrayList<>();

    EcsTask(String taskId, String taskArn, Deployment deployment, Instant createdAt, Placement.Placed placed) {
        this.subnet = placed.subnet();
        this.availabilityZone = placed.zone();
        this.privateIp = placed.privateIp();
        this.taskId = taskId;
        this.taskArn = taskArn;
        this.deployment = deployment;
        this.createdAt = createdAt;
    }

    /** The subnet it was placed in (the topology's name; null for a service without subnets). */
    public String subnet() {
        return subnet;
    }

    /** Its subnet's Availability Zone, e.g. eu-west-1a (null for a service without subnets). */
    public String availabilityZone() {
        return availabilityZone;
    }

    public String taskId() {
        return taskId;
    }

    /** ECS's form: {@code arn:aws:ecs:<region>:<account>:task/<cluster>/<task id>}. */
    public String taskArn() {
        return taskArn;
    }

    /**
     * The private IPv4 address of the task's network interface (awsvpc), from its subnet: what the
     * target group knows it by. The process itself listens on 127.0.0.1 and {@link #port()}.
     */
    public String privateIp() {
        return privateIp;
    }

    public Deployment deployment() {
        return deployment;
    }

    public String version() {
        return deployment.version();
    }

    public Instant createdAt() {
        return createdAt;
    }

    public LastStatus lastStatus() {
        return lastStatus;
    }

    /** Whether ECS counts the task healthy: its load balancer target and its container health check, as they apply. */
    public HealthStatus healthStatus() {
        return healthStatus;
    }

    /**
     * The essential container's own health check (UNKNOWN without one, or before its first result):
     * what ECS reports as the task's and the container's healthStatus.
     */
    public HealthStatus containerHealth() {
        return containerHealth;
    }

    public Instant startedAt() {
        return startedAt;
    }

    public Instant runningAt() {
        return runningAt;
    }

    /** When the stop signal (SIGTERM) was sent, after the drain; null before. */
    public Instant stopSignalAt() {
        return stopSignalAt;
    }

    public Instant stoppedAt() {
        return stoppedAt;
    }

    public String stoppedReason() {
        return stoppedReason;
    }

    public Integer exitCode() {
        return exitCode;
    }

    public RunningTask process() {
        return process;
    }

    /**
     * Charges a process to this task, as a sidecar container of the task: its CPU and memory count in
     * the task's CPUUtilization and MemoryUtilization. Whoever adds it stops it and removes it.
     */
    public void addSidecar(ProcessHandle sidecar) {
        sidecars.add(sidecar);
    }

    public void removeSidecar(ProcessHandle sidecar) {
        sidecars.remove(sidecar);
    }

    /** The processes charged to this task besides its container. */
    public java.util.List<ProcessHandle> sidecars() {
        return java.util.List.copyOf(sidecars);
    }

    public int port() {
        return process == null ? -1 : process.port();
    }

    /** PENDING or RUNNING and not on its way out: counts toward the desired count. */
    public boolean active() {
        return !stopRequested && (lastStatus == LastStatus.PROVISIONING || lastStatus == LastStatus.PENDING
                || lastStatus == LastStatus.ACTIVATING || lastStatus == LastStatus.RUNNING);
    }

    public boolean stopped() {
        return lastStatus == LastStatus.STOPPED;
    }

    public boolean stopRequested() {
        return stopRequested;
    }

    /** Why ECS declared the task unhealthy (past its grace period), or null: such a task is replaced. */
    public String unhealthyReason() {
        return unhealthyReason;
    }

    /** ECS's Container.reason: what ended the container beyond its exit code (a SIGKILL after stopTimeout), or null. */
    public String containerReason() {
        return containerReason;
    }

    void declareUnhealthy(String reason) {
        this.unhealthyReason = reason;
        this.healthStatus = HealthStatus.UNHEALTHY;
    }

    void containerReason(String reason) {
        this.containerReason = reason;
    }

    void started(RunningTask process, Instant at) {
        this.process = process;
        this.startedAt = at;
        this.lastStatus = LastStatus.PENDING;
    }

    /** RUNNING as in ECS: the container has started (it may not listen yet). */
    void running(Instant at) {
        this.lastStatus = LastStatus.RUNNING;
        this.runningAt = at;
    }

    void health(HealthStatus status) {
        this.healthStatus = status;
    }

    void containerHealth(HealthStatus status) {
        this.containerHealth = status;
    }

    void stopRequested(String reason) {
        if (!stopRequested) {
            stopRequested = true;
            stoppedReason = reason;
        }
    }

    void status(LastStatus status) {
        this.lastStatus = status;
        if (status == LastStatus.STOPPING && stopSignalAt == null) {
            stopSignalAt = Instant.now();
        }
    }

    void stopped(Integer exitCode, String reason, Instant at) {
        this.exitCode = exitCode;
        if (stoppedReason == null) {
            stoppedReason = reason;
        }
        this.stopRequested = true;
        this.lastStatus = LastStatus.STOPPED;
        this.stoppedAt = at;
    }

    @Override
    public String toString() {
        return taskId + " " + version() + " " + lastStatus + "/" + healthStatus + (stoppedReason == null ? "" : " (" + stoppedReason + ")");
    }
}
