package dev.preflight.ecs;

import dev.preflight.alb.DeregistrationResult;
import dev.preflight.alb.Target;
import dev.preflight.alb.TargetGroupRuntime;
import dev.preflight.alb.TargetHealth;
import dev.preflight.alb.TargetState;
import dev.preflight.engine.LocalPorts;
import dev.preflight.runtime.RunningTask;
import dev.preflight.time.TimeScale;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;

/**
 * The ECS service scheduler for one service (docs/aws-behaviour.md, sections 1 and 2): keeps the
 * desired count running, replaces tasks that exit or are declared unhealthy after the grace period
 * (the replacement first when maximumPercent allows, else one at a time), registers a task's target
 * as soon as it is RUNNING (started, not yet listening), deregisters and waits for the drain before
 * SIGTERM, and rolls deployments out by minimum healthy and maximum percent, with the circuit
 * breaker and one rollback to the last completed deployment.
 *
 * <p>Deadlines the application races are real time: the grace period, the 40 s a task without
 * health checks needs to count as healthy, and (in the load balancer and the task runner) the
 * health-check timings, the deregistration delay and stopTimeout. When one decides an outcome it is
 * an event of type {@link ServiceEvent#DEADLINE} with AWS's number, for the report's timeline.
 *
 * <p>{@link #tick()} is called by the runtime on one thread; stop sequences finish asynchronously and
 * report back under the same lock.
 */
public final class ServiceScheduler {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceScheduler.class);
    /** ECS counts a task without load balancer or health check healthy 40 s after RUNNING. */
    private static final int NO_HEALTH_CHECK_SECONDS = 40;

    private final String name;
    private final String clusterName;
    private final String taskArnPrefix;
    // The service's deployment configuration and grace period: what UpdateService last set (guarded by this).
    private RollingUpdatePolicy policy;
    private boolean breakerEnabled;
    private boolean breakerRollback;
    private final int breakerMinimum;
    private Duration gracePeriod;
    private final TimeScale scale;
    private final TaskStarter launcher;
    private final TargetGroupRuntime targetGroup;
    private final TargetMirror targetMirror;
    private final Placement placement;
    private boolean unplaceableReported;
    private final ExecutorService healthChecks;
    private final List<Consumer<ServiceEvent>> listeners = new ArrayList<>();

    private final List<Deployment> deployments = new ArrayList<>();
    /**
     * Copy-on-write, so that readers never wait on the scheduler: a tick that launches tasks holds the lock
     * for as long as the task runner takes (Docker: a fraction of a second each), and the load client
     * looks tasks up for every answer it records.
     */
    private final List<EcsTask> tasks = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final List<ServiceEvent> events = new ArrayList<>();
    private final Map<String, ContainerHealthCheck> containerChecks = new HashMap<>();
    private int desiredCount;
    private boolean steady;
    private String stuckReportedFor;

    /**
     * @param clusterArn         the cluster's ARN, {@code arn:aws:ecs:<region>:<account>:cluster/<name>}: task ARNs are made from it
     * @param gracePeriodSeconds healthCheckGracePeriodSeconds, AWS's number (real time)
     */
    ServiceScheduler(String name, String clusterName, String clusterArn, RollingUpdatePolicy policy, boolean breakerEnabled, boolean breakerRollback,
                     int breakerMinimum, int gracePeriodSeconds, TimeScale scale, TaskStarter launcher,
                     TargetGroupRuntime targetGroup, TargetMirror targetMirror, Placement placement, ExecutorService healthChecks) {
        this.name = name;
        this.clusterName = clusterName;
        this.taskArnPrefix = clusterArn.replace(":cluster/", ":task/") + "/";
        this.policy = policy;
        this.breakerEnabled = breakerEnabled;
        this.breakerRollback = breakerRollback;
        this.breakerMinimum = breakerMinimum;
        this.gracePeriod = scale.real(gracePeriodSeconds);
        this.scale = scale;
        this.launcher = launcher;
        this.targetGroup = targetGroup;
        this.targetMirror = targetMirror;
        this.placement = placement;
        this.healthChecks = healthChecks;
    }

    public String name() {
        return name;
    }

    // ---- what scenarios read ----------------------------------------------------------------

    public synchronized List<Deployment> deployments() {
        return List.copyOf(deployments);
    }

    public synchronized Optional<Deployment> primary() {
        return deployments.isEmpty() ? Optional.empty() : Optional.of(deployments.get(0));
    }

    public List<EcsTask> tasks() {
        return List.copyOf(tasks);
    }

    public List<EcsTask> runningTasks() {
        return tasks.stream().filter(t -> t.lastStatus() == EcsTask.LastStatus.RUNNING && !t.stopRequested()).toList();
    }

    public synchronized List<ServiceEvent> events() {
        return List.copyOf(events);
    }

    /** The rolling-update percentages the service deploys by now (its deploymentConfiguration). */
    public synchronized RollingUpdatePolicy rollingUpdatePolicy() {
        return policy;
    }

    public synchronized int desiredCount() {
        return desiredCount;
    }

    /** Healthy at the desired count with one deployment, all of whose tasks are healthy. */
    public synchronized boolean steadyState() {
        return steady;
    }

    public synchronized void addListener(Consumer<ServiceEvent> listener) {
        listeners.add(listener);
    }

    // ---- what the runtime tells it ------------------------------------------------------------

    synchronized void desiredCount(int count) {
        if (count != desiredCount) {
            desiredCount = count;
            steady = false;
        }
    }

    /**
     * The service's settings as UpdateService last left them: the rolling-update percentages and the
     * grace period apply from the next tick on, the circuit breaker to deployments started from now on.
     */
    synchronized void configure(RollingUpdatePolicy newPolicy, boolean breaker, boolean rollback, int gracePeriodSeconds) {
        this.policy = newPolicy;
        this.breakerEnabled = breaker;
        this.breakerRollback = rollback;
        this.gracePeriod = scale.real(gracePeriodSeconds);
    }

    /** A new PRIMARY deployment (UpdateService with a new task definition, or a forced new deployment). */
    synchronized Deployment deploy(String taskDefinitionArn, boolean rollback) {
        Instant now = Instant.now();
        String id = String.format("ecs-svc/%019d", ThreadLocalRandom.current().nextLong(1_000_000_000_000_000_000L));
        Deployment deployment = new Deployment(id, taskDefinitionArn, launcher.version(taskDefinitionArn), now,
                new CircuitBreaker(breakerEnabled, breakerRollback, breakerMinimum), rollback);
        for (Deployment d : deployments) {
            if (d.status() == Deployment.Status.PRIMARY) {
                d.status(Deployment.Status.ACTIVE, now);
            }
        }
        deployments.add(0, deployment);
        steady = false;
        stuckReportedFor = null;
        event(ServiceEvent.DEPLOYMENT_IN_PROGRESS, (rollback ? "rollback " : "") + "deployment " + id + " of "
                + shortArn(taskDefinitionArn) + " started: " + deployment.rolloutStateReason());
        return deployment;
    }

    /** SIGKILL one task from outside, as a crash would. */
    /**
     * An Availability Zone is lost: each of the service's tasks in it stops at once, as its host is gone
     * (no drain, no stop signal: requests in flight to it fail), and ECS replaces them in the zones left.
     */
    synchronized void zoneLost(String zone) {
        Instant now = Instant.now();
        for (EcsTask task : List.copyOf(tasks)) {
            if (task.stopped() || !zone.equals(task.availabilityZone())) {
                continue;
            }
            String reason = "Task stopped because its Availability Zone " + zone + " became unavailable";
            task.stopRequested(reason);
            if (targetGroup != null) {
                targetGroup.deregister(task.taskId());
                targetMirror.deregister(task);
            }
            if (task.process() != null) {
                task.process().kill();
            }
            containerChecks.remove(task.taskId());
            task.stopped(null, reason, now);
            event(ServiceEvent.SERVICE, "(service " + name + ") has stopped 1 running tasks: (task " + task.taskId() + ").");
        }
        steady = false;
    }

    public synchronized void killTask(String taskId) {
        tasks.stream().filter(t -> t.taskId().equals(taskId) && t.process() != null).findFirst()
                .ifPresent(t -> t.process().kill());
    }

    // ---- the scheduling loop ------------------------------------------------------------------

    public synchronized void tick() {
        if (deployments.isEmpty()) {
            return;
        }
        Instant now = Instant.now();
        observeTasks(now);
        handleCircuitBreaker(deployments.get(0), now);
        Deployment primary = deployments.get(0);
        roll(primary);
        settle(primary, now);
        tasks.removeIf(t -> t.stopped() && t.stoppedAt().isBefore(now.minus(Duration.ofMinutes(10))));
    }

    private void observeTasks(Instant now) {
        for (EcsTask task : List.copyOf(tasks)) {
            if (task.stopped() || task.process() == null) {
                continue;
            }
            RunningTask process = task.process();
            if (!process.isAlive() && !task.stopRequested()) {
                exitedOnItsOwn(task, process, now);
                continue;
            }
            if (task.lastStatus() == EcsTask.LastStatus.PENDING) {
                running(task, process, now);
            }
            if (task.lastStatus() == EcsTask.LastStatus.RUNNING && !task.stopRequested()) {
                evaluateHealth(task, now);
            }
        }
    }

    /** The essential container exited by itself: ECS stops the task and replaces it; the breaker counts it. */
    private void exitedOnItsOwn(EcsTask task, RunningTask process, Instant now) {
        task.stopRequested("Essential container in task exited");
        if (targetGroup != null && task.lastStatus() == EcsTask.LastStatus.RUNNING) {
            targetGroup.deregister(task.taskId());
            targetMirror.deregister(task);
        }
        process.containerReason().ifPresent(task::containerReason);
        task.stopped(process.exitCode().isPresent() ? process.exitCode().getAsInt() : null, "Essential container in task exited", now);
        containerChecks.remove(task.taskId());
        event(ServiceEvent.SERVICE, "(service " + name + ") has stopped 1 running tasks: (task " + task.taskId() + ").");
        countFailure(task);
    }

    /**
     * RUNNING means started, as in ECS: the target is registered and checked from now on, and the
     * container's start period counts from its start, whether or not the app listens yet.
     */
    private void running(EcsTask task, RunningTask process, Instant now) {
        task.running(now);
        ContainerDefinition container = launcher.container(task.deployment().taskDefinitionArn());
        int containerPort = container.portMappings().isEmpty() ? process.spec().port() : container.portMappings().get(0).containerPort();
        ContainerHealthCheck check = ContainerHealthCheck.of(container.healthCheck(), containerPort, process, scale);
        if (check != null) {
            containerChecks.put(task.taskId(), check);
        }
        if (targetGroup != null) {
            targetGroup.register(new Target(task.taskId(), LocalPorts.LOOPBACK, process.port()));
            targetMirror.register(task);
            event(ServiceEvent.SERVICE, "(service " + name + ") registered 1 targets in (target-group " + targetGroup.name() + ")");
        }
    }

    private void evaluateHealth(EcsTask task, Instant now) {
        ContainerHealthCheck check = containerChecks.get(task.taskId());
        if (check != null) {
            ContainerHealthCheck.Kind due = check.due(now);
            if (due != null) {
                healthChecks.execute(() -> check.run(due));
            }
        }
        if (task.unhealthyReason() != null) {
            return; // declared unhealthy: roll() replaces it
        }
        EcsTask.HealthStatus container = check == null ? null : check.status();
        if (container != null) {
            task.containerHealth(container);
        }
        TargetHealth target = targetGroup == null ? null : targetGroup.health().get(task.taskId());
        TargetState targetState = target == null ? null : target.state();
        boolean healthy;
        if (targetGroup == null && check == null) {
            healthy = !now.isBefore(task.runningAt().plus(scale.real(NO_HEALTH_CHECK_SECONDS)));
        } else {
            healthy = (targetGroup == null || targetState == TargetState.HEALTHY)
                    && (check == null || container == EcsTask.HealthStatus.HEALTHY);
        }
        if (healthy) {
            if (task.healthStatus() != EcsTask.HealthStatus.HEALTHY) {
                task.health(EcsTask.HealthStatus.HEALTHY);
                task.deployment().circuitBreaker().taskHealthy();
            }
            return;
        }
        boolean lbFailed = targetState == TargetState.UNHEALTHY;
        boolean containerFailed = container == EcsTask.HealthStatus.UNHEALTHY;
        boolean inGrace = now.isBefore(task.runningAt().plus(gracePeriod));
        if ((lbFailed || containerFailed) && !inGrace) {
            declareUnhealthy(task, now, lbFailed, target, check);
        }
    }

    /** Past its grace period a failing task is declared unhealthy; roll() replaces it as ECS does. */
    private void declareUnhealthy(EcsTask task, Instant now, boolean lbFailed, TargetHealth target, ContainerHealthCheck check) {
        String reason;
        String rule;
        if (lbFailed) {
            reason = "Task failed ELB health checks in (target-group " + targetGroup.name() + ")";
            var hc = targetGroup.config().healthCheck();
            rule = hc.unhealthyThreshold() + " consecutive failed checks " + hc.intervalSeconds()
                    + " s apart (UnhealthyThresholdCount x HealthCheckIntervalSeconds, real time)";
            event(ServiceEvent.SERVICE, "(service " + name + ") (task " + task.taskId() + ") (port " + task.port()
                    + ") is unhealthy in (target-group " + targetGroup.name() + ") due to (reason " + target.description() + ").");
        } else {
            reason = "Task failed container health checks";
            rule = check.rule();
            event(ServiceEvent.SERVICE, "(service " + name + ") (task " + task.taskId() + ") failed container health checks.");
        }
        task.declareUnhealthy(reason);
        event(ServiceEvent.DEADLINE, "task " + task.taskId() + " declared unhealthy " + seconds(Duration.between(task.runningAt(), now))
                + " after it started: " + rule + "; healthCheckGracePeriodSeconds " + gracePeriod.toSeconds() + " s over");
    }

    private void handleCircuitBreaker(Deployment primary, Instant now) {
        if (primary.rolloutState() != Deployment.RolloutState.IN_PROGRESS || !primary.circuitBreaker().tripped(desiredCount)) {
            return;
        }
        primary.fail("ECS deployment circuit breaker: tasks failed to start.", now);
        event(ServiceEvent.DEPLOYMENT_FAILED, "(service " + name + ") (deployment " + primary.id() + ") deployment failed: tasks failed to start."
                + " failedTasks=" + primary.failedTasks() + ", threshold=" + primary.circuitBreaker().threshold(desiredCount));
        // Tasks of the failed deployment that never became healthy are of no use.
        tasks.stream().filter(t -> t.deployment() == primary && t.active() && t.healthStatus() != EcsTask.HealthStatus.HEALTHY)
                .toList().forEach(t -> stop(t, "Deployment " + primary.id() + " failed"));
        if (!primary.circuitBreaker().rollback()) {
            return;
        }
        if (primary.isRollback()) {
            // A failed rollback stays failed: ECS does not roll back from a rollback.
            event(ServiceEvent.SERVICE, "(service " + name + ") (deployment " + primary.id() + ") rollback failed; no further rollback.");
            return;
        }
        Optional<Deployment> lastCompleted = deployments.stream()
                .filter(d -> d != primary && d.rolloutState() == Deployment.RolloutState.COMPLETED).findFirst();
        if (lastCompleted.isPresent()) {
            deploy(lastCompleted.get().taskDefinitionArn(), true);
        } else {
            event(ServiceEvent.SERVICE, "(service " + name + ") has no completed deployment to roll back to.");
        }
    }

    /**
     * Start new tasks up to the cap, replace unhealthy ones, stop old ones down to the floor
     * (docs/aws-behaviour.md, section 1).
     */
    private void roll(Deployment primary) {
        int desired = desiredCount;
        List<EcsTask> active = tasks.stream().filter(EcsTask::active).toList();
        int activeCount = active.size();
        List<EcsTask> unhealthy = active.stream().filter(t -> t.unhealthyReason() != null).toList();
        List<EcsTask> useful = active.stream().filter(t -> t.unhealthyReason() == null).toList();
        long healthy = useful.stream().filter(t -> t.healthStatus() == EcsTask.HealthStatus.HEALTHY).count();
        List<EcsTask> primaryUseful = useful.stream().filter(t -> t.deployment() == primary).toList();
        List<EcsTask> old = useful.stream().filter(t -> t.deployment() != primary).toList();
        boolean changed = false;

        // A FAILED deployment launches no new tasks; an unhealthy task of the primary counts as missing.
        int toStart = primary.rolloutState() == Deployment.RolloutState.FAILED ? 0 : desired - primaryUseful.size();
        int launched = 0;
        while (toStart > 0 && policy.mayStart(desired, activeCount)) {
            launch(primary);
            activeCount++;
            launched++;
            toStart--;
            changed = true;
        }
        // Unhealthy tasks are replaced first: each waits for a replacement that is starting, and is
        // stopped once the healthy tasks cover the desired count. When the cap leaves no room for a
        // replacement, they are stopped one at a time to make room.
        long starting = launched + useful.stream().filter(t -> t.healthStatus() != EcsTask.HealthStatus.HEALTHY).count();
        boolean stopForRoomUnderWay = tasks.stream().anyMatch(t -> t.unhealthyReason() != null && t.stopRequested() && !t.stopped());
        for (EcsTask t : unhealthy) {
            if (healthy >= desired) {
                stop(t, t.unhealthyReason());
            } else if (starting > 0) {
                starting--; // its replacement is on the way
                continue;
            } else if (!policy.mayStart(desired, activeCount) && !stopForRoomUnderWay) {
                stop(t, t.unhealthyReason());
                stopForRoomUnderWay = true;
            } else {
                continue;
            }
            countFailure(t);
            activeCount--;
            changed = true;
        }
        // Old tasks go not-yet-healthy first, then healthy ones within the floor.
        List<EcsTask> byUsefulness = new ArrayList<>(old);
        byUsefulness.sort(Comparator.comparing((EcsTask t) -> t.healthStatus() == EcsTask.HealthStatus.HEALTHY).thenComparing(EcsTask::createdAt));
        // A failed deployment without rollback keeps the old tasks serving.
        boolean replacing = primary.rolloutState() != Deployment.RolloutState.FAILED;
        for (EcsTask t : replacing ? byUsefulness : List.<EcsTask>of()) {
            if (t.healthStatus() != EcsTask.HealthStatus.HEALTHY) {
                stop(t, "Scaling activity initiated by (deployment " + primary.id() + ")");
                changed = true;
            } else if (policy.mayStopHealthy(desired, (int) healthy)) {
                stop(t, "Scaling activity initiated by (deployment " + primary.id() + ")");
                healthy--;
                changed = true;
            }
        }
        // Desired count lowered (scale-in): the newest, least healthy extras go.
        int extra = primaryUseful.size() - desired;
        if (extra > 0) {
            List<EcsTask> candidates = new ArrayList<>(primaryUseful);
            candidates.sort(Comparator.comparing((EcsTask t) -> t.healthStatus() == EcsTask.HealthStatus.HEALTHY)
                    .thenComparing(EcsTask::createdAt, Comparator.reverseOrder()));
            candidates.subList(0, extra).forEach(t -> stop(t, "Scaling activity initiated by (service " + name + ")"));
            changed = true;
        }
        boolean pending = active.stream().anyMatch(t -> t.healthStatus() != EcsTask.HealthStatus.HEALTHY);
        List<EcsTask> stillOld = tasks.stream().filter(t -> t.active() && t.deployment() != primary).toList();
        if (!changed && !pending && !stillOld.isEmpty() && !primary.id().equals(stuckReportedFor)
                && !policy.mayStart(desired, activeCount) && !policy.mayStopHealthy(desired, (int) healthy)) {
            stuckReportedFor = primary.id();
            event(ServiceEvent.SERVICE, "(service " + name + ") was unable to stop or start tasks during a deployment because of"
                    + " the service deployment configuration. Update the minimumHealthyPercent or maximumPercent value and try again.");
        }
    }

    private void settle(Deployment primary, Instant now) {
        for (Deployment d : deployments) {
            if (d != primary && d.status() != Deployment.Status.INACTIVE
                    && tasks.stream().noneMatch(t -> t.deployment() == d && !t.stopped())) {
                d.status(Deployment.Status.INACTIVE, now);
            }
        }
        long primaryHealthy = tasks.stream().filter(t -> t.deployment() == primary && t.active()
                && t.healthStatus() == EcsTask.HealthStatus.HEALTHY).count();
        long primaryActive = tasks.stream().filter(t -> t.deployment() == primary && t.active()).count();
        boolean othersGone = tasks.stream().noneMatch(t -> t.deployment() != primary && !t.stopped());
        boolean atDesired = primaryHealthy == desiredCount && primaryActive == desiredCount && othersGone;
        if (atDesired && primary.rolloutState() == Deployment.RolloutState.IN_PROGRESS) {
            primary.complete(now);
            event(ServiceEvent.DEPLOYMENT_COMPLETED, "(service " + name + ") (deployment " + primary.id() + ") deployment completed.");
        }
        boolean nowSteady = atDesired && primary.rolloutState() != Deployment.RolloutState.IN_PROGRESS;
        if (nowSteady && !steady) {
            event(ServiceEvent.STEADY_STATE, "(service " + name + ") has reached a steady state.");
        }
        steady = nowSteady;
    }

    /** The breaker counts a task of an in-progress deployment that failed to launch, exited, or failed its health checks. */
    private void countFailure(EcsTask task) {
        if (task.deployment().rolloutState() == Deployment.RolloutState.IN_PROGRESS) {
            task.deployment().circuitBreaker().taskFailed();
        }
    }

    private void launch(Deployment deployment) {
        Instant now = Instant.now();
        Optional<Placement.Placed> placed = placement.place(tasks.stream().filter(t -> !t.stopped()).toList());
        if (placed.isEmpty()) {
            if (!unplaceableReported) {
                unplaceableReported = true;
                event(ServiceEvent.SERVICE, "(service " + name + ") was unable to place a task because no subnet of the service is in an"
                        + " available Availability Zone " + placement.zonesOfService() + ".");
            }
            return;
        }
        unplaceableReported = false;
        String taskId = UUID.randomUUID().toString().replace("-", "");
        EcsTask task = new EcsTask(taskId, taskArnPrefix + taskId, deployment, now, placed.get());
        tasks.add(task);
        try {
            RunningTask process = launcher.launch(taskId, clusterName, deployment.taskDefinitionArn());
            task.started(process, now);
            event(ServiceEvent.SERVICE, "(service " + name + ") has started 1 tasks: (task " + taskId + ").");
        } catch (RuntimeException e) {
            task.stopped(null, e.getMessage(), now);
            event(ServiceEvent.SERVICE, "(service " + name + ") failed to launch a task: " + e.getMessage());
            countFailure(task);
        }
    }

    /**
     * Service-initiated stop: deregister, wait until the target is unused (the deregistration delay:
     * real for requests in flight, compressed once idle), then SIGTERM and SIGKILL after stopTimeout.
     */
    private void stop(EcsTask task, String reason) {
        if (task.stopRequested()) {
            return;
        }
        task.stopRequested(reason);
        containerChecks.remove(task.taskId());
        if (task.process() == null) {
            task.stopped(null, reason, Instant.now());
            return;
        }
        if (targetGroup != null && task.lastStatus() == EcsTask.LastStatus.RUNNING) {
            task.status(EcsTask.LastStatus.DEACTIVATING);
            event(ServiceEvent.SERVICE, "(service " + name + ") has begun draining connections on 1 tasks.");
            targetMirror.deregister(task);
            targetGroup.deregister(task.taskId()).whenCompleteAsync((result, error) -> {
                drained(task, result);
                terminate(task, reason);
            });
        } else {
            terminate(task, reason);
        }
    }

    private synchronized void drained(EcsTask task, DeregistrationResult result) {
        event(ServiceEvent.SERVICE, "(service " + name + ") deregistered 1 targets in (target-group " + targetGroup.name() + ")");
        if (result != null && result.requestsCut() > 0) {
            event(ServiceEvent.DEADLINE, "deregistration delay " + result.delay().toSeconds() + " s (real time) of task " + task.taskId()
                    + " ran out with requests in flight: " + result.requestsCut() + " cut, their clients got 502");
        }
    }

    private void terminate(EcsTask task, String reason) {
        synchronized (this) {
            task.status(EcsTask.LastStatus.STOPPING);
        }
        RunningTask process = task.process();
        process.stop().whenComplete((exit, error) -> {
            synchronized (this) {
                task.status(EcsTask.LastStatus.DEPROVISIONING);
                if (process.stoppedBySigkill()) {
                    String killed = "Container did not stop within stopTimeout (" + seconds(process.spec().stopTimeout())
                            + ") after SIGTERM and was killed (SIGKILL)";
                    task.containerReason(killed);
                    event(ServiceEvent.DEADLINE, "stopTimeout " + seconds(process.spec().stopTimeout()) + " (real time) of task "
                            + task.taskId() + " ran out: SIGKILL, exit code " + exit);
                }
                task.stopped(exit, reason, Instant.now());
                event(ServiceEvent.SERVICE, "(service " + name + ") has stopped 1 running tasks: (task " + task.taskId() + ").");
            }
        });
    }

    /** Stops every task now (the runtime is closing): SIGTERM then SIGKILL, no draining. */
    synchronized List<CompletableFuture<Integer>> stopAll() {
        List<CompletableFuture<Integer>> stops = new ArrayList<>();
        for (EcsTask t : tasks) {
            if (t.process() != null && t.process().isAlive()) {
                t.stopRequested("Service shut down");
                stops.add(t.process().stop());
            }
        }
        return stops;
    }

    private void event(String type, String message) {
        ServiceEvent event = new ServiceEvent(Instant.now(), type, message);
        events.add(event);
        LOG.debug("{}", event);
        for (Consumer<ServiceEvent> listener : listeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                LOG.warn("Service event listener failed: {}", e.getMessage());
            }
        }
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : String.format("%.1f s", d.toMillis() / 1000.0);
    }

    private static String shortArn(String arn) {
        return arn.substring(arn.lastIndexOf('/') + 1);
    }
}
