package dev.preflight.ecs;

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
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;

/**
 * The ECS service scheduler for one service: keeps the desired count running, replaces tasks that
 * exit or turn unhealthy (after the grace period), registers and deregisters targets in the right
 * order (deregister, drain, then SIGTERM), and rolls deployments out by AWS-SEMANTICS.md sections
 * 1 and 2: minimum healthy and maximum percent, the circuit breaker and rollback to the last
 * completed deployment. {@link #tick()} is called by the runtime on one thread; stop sequences
 * finish asynchronously and report back under the same lock.
 */
public final class ServiceScheduler {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceScheduler.class);
    /** ECS counts a task without load balancer or health check healthy 40 s after RUNNING. */
    private static final int NO_HEALTH_CHECK_SECONDS = 40;

    private final String name;
    private final String clusterName;
    private final RollingUpdatePolicy policy;
    private final boolean breakerEnabled;
    private final boolean breakerRollback;
    private final int breakerMinimum;
    private final Duration gracePeriod;
    private final TimeScale scale;
    private final TaskLauncher launcher;
    private final TargetGroupRuntime targetGroup;
    private final TargetMirror targetMirror;
    private final ExecutorService healthChecks;
    private final Duration minimumCheckTimeout;
    private final List<Consumer<ServiceEvent>> listeners = new ArrayList<>();

    private final List<Deployment> deployments = new ArrayList<>();
    private final List<EcsTask> tasks = new ArrayList<>();
    private final List<ServiceEvent> events = new ArrayList<>();
    private final Map<String, ContainerHealthCheck> containerChecks = new HashMap<>();
    private int desiredCount;
    private int deploymentSequence;
    private boolean steady;
    private String stuckReportedFor;

    ServiceScheduler(String name, String clusterName, RollingUpdatePolicy policy, boolean breakerEnabled, boolean breakerRollback,
                     int breakerMinimum, Duration gracePeriod, TimeScale scale, TaskLauncher launcher,
                     TargetGroupRuntime targetGroup, TargetMirror targetMirror, ExecutorService healthChecks,
                     Duration minimumCheckTimeout) {
        this.name = name;
        this.clusterName = clusterName;
        this.policy = policy;
        this.breakerEnabled = breakerEnabled;
        this.breakerRollback = breakerRollback;
        this.breakerMinimum = breakerMinimum;
        this.gracePeriod = gracePeriod;
        this.scale = scale;
        this.launcher = launcher;
        this.targetGroup = targetGroup;
        this.targetMirror = targetMirror;
        this.healthChecks = healthChecks;
        this.minimumCheckTimeout = minimumCheckTimeout;
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

    public synchronized List<EcsTask> tasks() {
        return List.copyOf(tasks);
    }

    public synchronized List<EcsTask> runningTasks() {
        return tasks.stream().filter(t -> t.lastStatus() == EcsTask.LastStatus.RUNNING && !t.stopRequested()).toList();
    }

    public synchronized List<ServiceEvent> events() {
        return List.copyOf(events);
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

    /** A new PRIMARY deployment (UpdateService with a new task definition, or a forced new deployment). */
    synchronized Deployment deploy(String taskDefinitionArn, boolean rollback) {
        Instant now = Instant.now();
        deploymentSequence++;
        String id = String.format("ecs-svc/%019d", java.util.concurrent.ThreadLocalRandom.current().nextLong(1_000_000_000_000_000_000L));
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
        Deployment primary = deployments.get(0);
        handleCircuitBreaker(primary, now);
        primary = deployments.get(0);
        roll(primary, now);
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
                // The essential container exited on its own: ECS stops the task and replaces it.
                boolean beforeHealthy = !task.everHealthy();
                task.stopRequested("Essential container in task exited");
                if (targetGroup != null && task.lastStatus() == EcsTask.LastStatus.RUNNING) {
                    targetGroup.deregister(task.taskId());
                    targetMirror.deregister(task);
                }
                task.stopped(process.exitCode().isPresent() ? process.exitCode().getAsInt() : null, "Essential container in task exited", now);
                containerChecks.remove(task.taskId());
                event(ServiceEvent.SERVICE, "(service " + name + ") has stopped 1 running tasks: (task " + task.taskId() + ").");
                if (beforeHealthy && task.deployment().rolloutState() == Deployment.RolloutState.IN_PROGRESS) {
                    task.deployment().circuitBreaker().taskFailed();
                }
                continue;
            }
            if (task.lastStatus() == EcsTask.LastStatus.PENDING && LocalPorts.isListening(LocalPorts.LOOPBACK, process.port())) {
                task.running(now);
                ContainerDefinition container = launcher.container(task.deployment().taskDefinitionArn());
                int containerPort = container.portMappings().isEmpty() ? process.port() : container.portMappings().get(0).containerPort();
                ContainerHealthCheck check = ContainerHealthCheck.of(container.healthCheck(), containerPort, process.port(), scale,
                        minimumCheckTimeout, now);
                if (check != null) {
                    containerChecks.put(task.taskId(), check);
                }
                if (targetGroup != null) {
                    targetGroup.register(new dev.preflight.alb.Target(task.taskId(), LocalPorts.LOOPBACK, process.port()));
                    targetMirror.register(task);
                    event(ServiceEvent.SERVICE, "(service " + name + ") registered 1 targets in (target-group " + targetGroup.name() + ")");
                }
            }
            if (task.lastStatus() == EcsTask.LastStatus.RUNNING && !task.stopRequested()) {
                evaluateHealth(task, now);
            }
        }
    }

    private void evaluateHealth(EcsTask task, Instant now) {
        ContainerHealthCheck check = containerChecks.get(task.taskId());
        if (check != null && check.due(now)) {
            Instant start = task.runningAt();
            healthChecks.execute(() -> check.run(start));
        }
        EcsTask.HealthStatus container = check == null ? null : check.status();
        TargetState target = null;
        if (targetGroup != null) {
            TargetHealth health = targetGroup.health().get(task.taskId());
            target = health == null ? null : health.state();
        }
        boolean inGrace = now.isBefore(task.runningAt().plus(scale.seconds(gracePeriod.toSeconds())));
        boolean healthy;
        if (targetGroup == null && check == null) {
            healthy = now.isAfter(task.runningAt().plus(scale.seconds(NO_HEALTH_CHECK_SECONDS)));
        } else {
            healthy = (targetGroup == null || target == TargetState.HEALTHY)
                    && (check == null || container == EcsTask.HealthStatus.HEALTHY);
        }
        if (healthy) {
            if (task.healthStatus() != EcsTask.HealthStatus.HEALTHY) {
                task.health(EcsTask.HealthStatus.HEALTHY);
                task.deployment().circuitBreaker().taskHealthy();
            }
            return;
        }
        boolean lbFailed = targetGroup != null && target == TargetState.UNHEALTHY;
        boolean containerFailed = container == EcsTask.HealthStatus.UNHEALTHY;
        if ((lbFailed || containerFailed) && !inGrace) {
            task.health(EcsTask.HealthStatus.UNHEALTHY);
            String reason = lbFailed
                    ? "Task failed ELB health checks in (target-group " + targetGroup.name() + ")"
                    : "Task failed container health checks";
            event(ServiceEvent.SERVICE, "(service " + name + ") (task " + task.taskId() + ") failed " + (lbFailed
                    ? "ELB health checks in (target-group " + targetGroup.name() + ")" : "container health checks") + ".");
            if (task.deployment().rolloutState() == Deployment.RolloutState.IN_PROGRESS) {
                task.deployment().circuitBreaker().taskFailed();
            }
            stop(task, reason);
        }
    }

    private void handleCircuitBreaker(Deployment primary, Instant now) {
        if (primary.rolloutState() != Deployment.RolloutState.IN_PROGRESS || !primary.circuitBreaker().tripped(desiredCount)) {
            return;
        }
        String reason = "ECS deployment circuit breaker: tasks failed to start.";
        primary.fail(reason, now);
        event(ServiceEvent.DEPLOYMENT_FAILED, "(service " + name + ") (deployment " + primary.id() + ") deployment failed: tasks failed to start."
                + " failedTasks=" + primary.failedTasks() + ", threshold=" + primary.circuitBreaker().threshold(desiredCount));
        // Tasks of the failed deployment that never became healthy are of no use.
        tasks.stream().filter(t -> t.deployment() == primary && t.active() && t.healthStatus() != EcsTask.HealthStatus.HEALTHY)
                .toList().forEach(t -> stop(t, "Deployment " + primary.id() + " failed"));
        if (primary.circuitBreaker().rollback()) {
            Optional<Deployment> lastCompleted = deployments.stream()
                    .filter(d -> d != primary && d.rolloutState() == Deployment.RolloutState.COMPLETED).findFirst();
            if (lastCompleted.isPresent()) {
                deploy(lastCompleted.get().taskDefinitionArn(), true);
            } else {
                event(ServiceEvent.SERVICE, "(service " + name + ") has no completed deployment to roll back to.");
            }
        }
    }

    /** Start new tasks up to the cap, stop old ones down to the floor (AWS-SEMANTICS.md section 1). */
    private void roll(Deployment primary, Instant now) {
        int desired = desiredCount;
        List<EcsTask> active = tasks.stream().filter(EcsTask::active).toList();
        int activeCount = active.size();
        long healthy = active.stream().filter(t -> t.healthStatus() == EcsTask.HealthStatus.HEALTHY).count();
        List<EcsTask> primaryActive = active.stream().filter(t -> t.deployment() == primary).toList();
        List<EcsTask> old = active.stream().filter(t -> t.deployment() != primary).toList();
        boolean changed = false;

        // A FAILED deployment launches no new tasks.
        int toStart = primary.rolloutState() == Deployment.RolloutState.FAILED ? 0 : desired - primaryActive.size();
        while (toStart > 0 && policy.mayStart(desired, activeCount)) {
            launch(primary, now);
            activeCount++;
            toStart--;
            changed = true;
        }
        // Old tasks go unhealthy first, then not-yet-healthy, then healthy ones within the floor.
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
        int extra = primaryActive.size() - desired;
        if (extra > 0) {
            List<EcsTask> candidates = new ArrayList<>(primaryActive);
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

    private void launch(Deployment deployment, Instant now) {
        String taskId = java.util.UUID.randomUUID().toString().replace("-", "");
        EcsTask task = new EcsTask(taskId, "arn:aws:ecs:task/" + clusterName + "/" + taskId, deployment, now);
        tasks.add(task);
        try {
            RunningTask process = launcher.launch(taskId, clusterName, deployment.taskDefinitionArn());
            task.started(process, now);
            event(ServiceEvent.SERVICE, "(service " + name + ") has started 1 tasks: (task " + taskId + ").");
        } catch (RuntimeException e) {
            task.stopped(null, e.getMessage(), now);
            event(ServiceEvent.SERVICE, "(service " + name + ") failed to launch a task: " + e.getMessage());
            if (deployment.rolloutState() == Deployment.RolloutState.IN_PROGRESS) {
                deployment.circuitBreaker().taskFailed();
            }
        }
    }

    /** Service-initiated stop: deregister, drain for the deregistration delay, then SIGTERM/SIGKILL. */
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
            // ECS waits for the target to become unused: the whole deregistration delay, even when its
            // connections close earlier (AWS-SEMANTICS.md section 1), and only then sends SIGTERM.
            java.util.concurrent.CompletableFuture<Void> delay = java.util.concurrent.CompletableFuture.runAsync(() -> { },
                    java.util.concurrent.CompletableFuture.delayedExecutor(targetGroup.deregistrationDelay().toMillis(),
                            java.util.concurrent.TimeUnit.MILLISECONDS));
            targetGroup.deregister(task.taskId()).thenCombine(delay, (result, ignored) -> result).whenCompleteAsync((result, error) -> {
                synchronized (this) {
                    event(ServiceEvent.SERVICE, "(service " + name + ") deregistered 1 targets in (target-group " + targetGroup.name() + ")"
                            + (result != null && result.requestsCut() > 0 ? "; " + result.requestsCut() + " in-flight requests were cut when the deregistration delay expired" : ""));
                }
                terminate(task, reason);
            });
        } else {
            terminate(task, reason);
        }
    }

    private void terminate(EcsTask task, String reason) {
        synchronized (this) {
            task.status(EcsTask.LastStatus.STOPPING);
        }
        task.process().stop().whenComplete((exit, error) -> {
            synchronized (this) {
                task.status(EcsTask.LastStatus.DEPROVISIONING);
                task.stopped(exit, reason, Instant.now());
                event(ServiceEvent.SERVICE, "(service " + name + ") has stopped 1 running tasks: (task " + task.taskId() + ")."
                        + (task.process().stoppedBySigkill() ? " The container did not stop within stopTimeout and was killed (SIGKILL)." : ""));
            }
        });
    }

    /** Stops every task now (the runtime is closing): SIGTERM then SIGKILL, no draining. */
    synchronized List<java.util.concurrent.CompletableFuture<Integer>> stopAll() {
        List<java.util.concurrent.CompletableFuture<Integer>> stops = new ArrayList<>();
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

    private static String shortArn(String arn) {
        return arn.substring(arn.lastIndexOf('/') + 1);
    }
}
