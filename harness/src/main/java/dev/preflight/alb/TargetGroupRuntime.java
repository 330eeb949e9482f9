package dev.preflight.alb;

import dev.preflight.alb.TargetHealthStateMachine.CheckResult;
import dev.preflight.alb.TargetHealthStateMachine.Transition;
import dev.preflight.time.TimeScale;
import dev.preflight.topology.TargetGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * A target group while the load balancer runs: its registered targets, their health, routing among
 * them and deregistration with draining (docs/aws-behaviour.md section 3). Safe to call from any thread
 * while traffic flows; state changes are serialized under one lock per group, and requests pick a
 * target from an immutable view rebuilt on every change.
 *
 * <p>{@link #deregister} futures complete on a load balancer thread: use the {@code *Async}
 * variants for work that blocks, such as stopping a task's process.
 */
public final class TargetGroupRuntime {
    /** What requests route among: healthy targets, or, fail-open, every registered non-draining one. */
    private record RoutingView(List<RegisteredTarget> healthy, List<RegisteredTarget> failOpen) {
        static final RoutingView EMPTY = new RoutingView(List.of(), List.of());

        List<RegisteredTarget> candidates() {
            return healthy.isEmpty() ? failOpen : healthy;
        }
    }

    private static final int ROUTING_ATTEMPTS = 16;

    private final String name;
    private final String where;
    private final TimeScale scale;
    private final HttpClient healthClient;
    private final Scheduler scheduler;
    // Replaced together by reconfigure (ModifyTargetGroup / ModifyTargetGroupAttributes take effect at once).
    private volatile TargetGroup config;
    private volatile Duration deregistrationDelay;
    private volatile RoutingAlgorithm algorithm;
    private volatile HealthChecker healthChecker;
    private final TargetGroupMetrics metrics = new TargetGroupMetrics();
    private final StateChangeNotifier notifier;
    private final Object lock = new Object();
    private final Map<String, RegisteredTarget> members = new LinkedHashMap<>(); // guarded by lock; registration order
    private boolean closed; // guarded by lock
    private volatile RoutingView view = RoutingView.EMPTY;

    TargetGroupRuntime(String loadBalancer, String name, TargetGroup config, TimeScale scale, HttpClient healthClient,
                       Scheduler scheduler) {
        this.name = name;
        this.where = "load balancer '" + loadBalancer + "', target group '" + name + "'";
        this.config = config;
        this.scale = scale;
        this.healthClient = healthClient;
        this.deregistrationDelay = scale.real(config.deregistrationDelaySeconds());
        this.algorithm = RoutingAlgorithm.named(config.algorithm(), where);
        this.scheduler = scheduler;
        this.notifier = new StateChangeNotifier(where);
        this.healthChecker = new HealthChecker(where, config.healthCheck(), scale, healthClient, scheduler, this::onCheck);
    }

    /**
     * Takes new settings, as ModifyTargetGroup and ModifyTargetGroupAttributes do on AWS: the next
     * health check of every registered target uses the new check and thresholds (its state is kept),
     * drains that begin from now on use the new delay, and new requests the new algorithm. Drains
     * already under way keep the delay they began with.
     */
    public void reconfigure(TargetGroup newConfig) {
        Objects.requireNonNull(newConfig, "newConfig");
        if (newConfig.equals(config)) {
            return;
        }
        RoutingAlgorithm newAlgorithm = RoutingAlgorithm.named(newConfig.algorithm(), where);
        HealthChecker newChecker = new HealthChecker(where, newConfig.healthCheck(), scale, healthClient, scheduler, this::onCheck);
        synchronized (lock) {
            if (closed) {
                return;
            }
            HealthChecker old = healthChecker;
            config = newConfig;
            deregistrationDelay = scale.real(newConfig.deregistrationDelaySeconds());
            algorithm = newAlgorithm;
            healthChecker = newChecker;
            for (RegisteredTarget target : members.values()) {
                old.stop(target);
                target.health().thresholds(newConfig.healthCheck().healthyThreshold(), newConfig.healthCheck().unhealthyThreshold());
                if (target.deregistration() == null) {
                    newChecker.resume(target);
                }
            }
        }
    }

    public String name() {
        return name;
    }

    /** The topology's settings of this group (AWS seconds, not compressed). */
    public TargetGroup config() {
        return config;
    }

    /**
     * Registers a target: {@code initial}, and its first health check runs now. Registering the same
     * target again is a no-op, as in RegisterTargets.
     *
     * @throws IllegalStateException if the id is taken by another address or is still draining
     */
    public void register(Target target) {
        Objects.requireNonNull(target, "target");
        RegisteredTarget registered;
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException(where + " is closed; cannot register target " + target.id());
            }
            RegisteredTarget existing = members.get(target.id());
            if (existing != null) {
                if (existing.deregistration() != null) {
                    throw new IllegalStateException(where + ": target " + target.id() + " is still draining; "
                            + "wait for its deregister(...) future before registering it again");
                }
                if (existing.target().equals(target)) {
                    return;
                }
                throw new IllegalStateException(where + ": target id " + target.id() + " is already registered for "
                        + existing.target().host() + ":" + existing.target().port() + ", not " + target.host() + ":"
                        + target.port() + "; deregister it first or use another id");
            }
            registered = new RegisteredTarget(target, new TargetHealthStateMachine(
                    config.healthCheck().healthyThreshold(), config.healthCheck().unhealthyThreshold()));
            members.put(target.id(), registered);
            notifier.enqueue(target.id(), new Transition(TargetState.UNUSED, TargetState.INITIAL,
                    TargetHealth.INITIAL.reason()));
            rebuildView();
            healthChecker.start(registered); // under the lock, so a concurrent deregister cannot miss the loop
        }
        notifier.deliver();
    }

    /**
     * Deregisters a target: {@code draining} at once, so it gets no new request. The future completes
     * when it is {@code unused} and gone from {@link #health()}, which is when the deregistration
     * delay has passed, as on AWS: requests in flight have the whole delay in real time and are cut
     * (502) if they outlast it; once nothing is in flight the rest of the delay runs compressed
     * ({@link Deregistration}). ECS stops the task when the future completes. Deregistering an unknown
     * target completes at once; deregistering a draining one returns the same future.
     */
    public CompletableFuture<DeregistrationResult> deregister(String targetId) {
        Objects.requireNonNull(targetId, "targetId");
        Deregistration deregistration;
        synchronized (lock) {
            RegisteredTarget target = members.get(targetId);
            if (target == null) {
                return CompletableFuture.completedFuture(DeregistrationResult.notRegistered(targetId));
            }
            if (target.deregistration() != null) {
                return target.deregistration().future();
            }
            healthChecker.stop(target);
            deregistration = new Deregistration(where, target, deregistrationDelay, scale, scheduler, result -> remove(target));
            target.deregistration(deregistration);
            deregistration.stopAccepting();
            notifier.enqueue(targetId, target.health().drain());
            rebuildView();
        }
        notifier.deliver();
        deregistration.begin();
        return deregistration.future();
    }

    /** The health of each registered target (draining included), by target id in registration order. */
    public Map<String, TargetHealth> health() {
        synchronized (lock) {
            Map<String, TargetHealth> health = new LinkedHashMap<>();
            members.forEach((id, target) -> health.put(id, target.health().health()));
            return Collections.unmodifiableMap(health);
        }
    }

    /** The registered targets (draining included) in registration order. */
    public List<Target> targets() {
        synchronized (lock) {
            return members.values().stream().map(RegisteredTarget::target).toList();
        }
    }

    public int healthyCount() {
        return view.healthy().size();
    }

    public void addListener(TargetStateListener listener) {
        notifier.addListener(Objects.requireNonNull(listener, "listener"));
    }

    public TargetGroupMetrics metrics() {
        return metrics;
    }

    /**
     * Picks a target for a request and counts the request on it; null when the group has no target to
     * route to (the caller answers 503). Healthy targets only, or all non-draining ones when none is
     * healthy (fail-open). A target that began draining between the pick and the count is skipped.
     */
    Exchange route() {
        for (int attempt = 0; attempt < ROUTING_ATTEMPTS; attempt++) {
            List<RegisteredTarget> candidates = view.candidates();
            if (candidates.isEmpty()) {
                return null;
            }
            RegisteredTarget target = algorithm.choose(candidates);
            Exchange exchange = new Exchange(this, target);
            if (target.tryAccept(exchange)) {
                return exchange;
            }
        }
        return null;
    }

    /** Stops health checks and ends every drain now (cutting what is open); the server stops next. */
    void close() {
        List<Deregistration> draining = new ArrayList<>();
        synchronized (lock) {
            closed = true;
            for (RegisteredTarget target : members.values()) {
                if (target.deregistration() != null) {
                    draining.add(target.deregistration());
                }
            }
        }
        healthChecker.stopAll();
        draining.forEach(Deregistration::endNow);
    }

    private TargetState onCheck(RegisteredTarget target, CheckResult result, boolean counted) {
        TargetState after;
        synchronized (lock) {
            if (members.get(target.id()) != target) {
                return null; // removed meanwhile
            }
            Transition transition = target.health().onCheck(result, counted);
            after = target.health().state();
            if (transition == null) {
                return after;
            }
            notifier.enqueue(target.id(), transition);
            rebuildView();
        }
        notifier.deliver();
        return after;
    }

    private void remove(RegisteredTarget target) {
        synchronized (lock) {
            if (members.get(target.id()) != target) {
                return;
            }
            members.remove(target.id());
            notifier.enqueue(target.id(), target.health().unused());
            rebuildView();
        }
        notifier.deliver();
    }

    private void rebuildView() {
        List<RegisteredTarget> healthy = new ArrayList<>();
        List<RegisteredTarget> failOpen = new ArrayList<>();
        for (RegisteredTarget target : members.values()) {
            TargetState state = target.health().state();
            if (state == TargetState.HEALTHY) {
                healthy.add(target);
            }
            if (state != TargetState.DRAINING && state != TargetState.UNUSED) {
                failOpen.add(target);
            }
        }
        view = new RoutingView(List.copyOf(healthy), List.copyOf(failOpen));
    }

    @Override
    public String toString() {
        return where + " " + health();
    }
}
