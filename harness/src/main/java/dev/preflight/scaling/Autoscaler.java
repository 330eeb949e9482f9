package dev.preflight.scaling;

import dev.preflight.ecs.Deployment;
import dev.preflight.ecs.EcsRuntime;
import dev.preflight.ecs.ServiceScheduler;
import dev.preflight.metrics.AwsMetrics;
import dev.preflight.metrics.MetricId;
import dev.preflight.metrics.MetricSeries;
import dev.preflight.metrics.RuntimeMetrics;
import dev.preflight.time.TimeScale;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;
import software.amazon.awssdk.services.applicationautoscaling.model.Alarm;
import software.amazon.awssdk.services.applicationautoscaling.model.CustomizedMetricSpecification;
import software.amazon.awssdk.services.applicationautoscaling.model.PolicyType;
import software.amazon.awssdk.services.applicationautoscaling.model.PredefinedMetricSpecification;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableDimension;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalingPolicy;
import software.amazon.awssdk.services.applicationautoscaling.model.ServiceNamespace;
import software.amazon.awssdk.services.applicationautoscaling.model.TargetTrackingScalingPolicyConfiguration;
import software.amazon.awssdk.services.ecs.model.Service;

/**
 * Application Auto Scaling for the runtime's ECS services, which the engine stores but never acts
 * on: every metric period it reads the scalable targets and target-tracking policies through the
 * SDK (DescribeScalableTargets, DescribeScalingPolicies), evaluates each policy's managed alarms on
 * the runtime's measured series, decides by {@link TargetTracking}, and changes the desired count
 * through the ECS API (UpdateService), which the runtime's scheduler then acts on. Every activity and
 * every capped or blocked wish is logged with its cause ({@link #activities(String)}).
 *
 * <pre>{@code
 * try (Autoscaler autoscaler = Autoscaler.start(runtime, ScalingOptions.defaults())) {
 *     ... load ...
 *     autoscaler.activities("api").forEach(System.out::println);
 * }
 * }</pre>
 */
public final class Autoscaler implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Autoscaler.class);

    private final EcsRuntime runtime;
    private final RuntimeMetrics metrics;
    private final boolean ownsMetrics;
    private final ScalingOptions options;
    private final ThreadPoolExecutor worker;
    private final RuntimeMetrics.PeriodListener periodListener = this::periodClosed;
    private final Map<String, ScalingHistory> histories = new HashMap<>(); // worker thread only
    private final Map<String, AlarmState> alarmStates = new HashMap<>(); // worker thread only
    private final Map<String, List<ScalingActivity>> activities = new LinkedHashMap<>(); // guarded by itself
    private final Map<String, List<AlarmTransition>> alarmHistory = new LinkedHashMap<>(); // guarded by activities
    private final Map<String, ScalableTarget> targets = new ConcurrentHashMap<>();
    private final List<Consumer<ScalingActivity>> listeners = new CopyOnWriteArrayList<>();
    private final Set<String> warned = ConcurrentHashMap.newKeySet();
    private volatile long evaluations;
    private volatile boolean closed;

    private Autoscaler(EcsRuntime runtime, RuntimeMetrics metrics, boolean ownsMetrics, ScalingOptions options) {
        this.runtime = runtime;
        this.metrics = metrics;
        this.ownsMetrics = ownsMetrics;
        this.options = options;
        // One evaluation at a time; a period that comes while one runs waits, a third is dropped (the next period catches up).
        this.worker = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(1), r -> {
            Thread t = new Thread(r, "preflight-autoscaler");
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.DiscardPolicy());
        refresh();
        metrics.addPeriodListener(periodListener);
    }

    /** Starts autoscaling the runtime's services, measuring them with a {@link RuntimeMetrics} of its own. */
    public static Autoscaler start(EcsRuntime runtime, ScalingOptions options) {
        RuntimeMetrics metrics = RuntimeMetrics.start(runtime, options.metrics());
        try {
            return new Autoscaler(runtime, metrics, true, options);
        } catch (RuntimeException e) {
            metrics.close();
            throw e;
        }
    }

    public static Autoscaler start(EcsRuntime runtime) {
        return start(runtime, ScalingOptions.defaults());
    }

    /** Starts autoscaling on metrics that are already measured (they stay open when this closes). */
    public static Autoscaler start(EcsRuntime runtime, RuntimeMetrics metrics, ScalingOptions options) {
        return new Autoscaler(runtime, metrics, false, options);
    }

    public RuntimeMetrics metrics() {
        return metrics;
    }

    public ScalingOptions options() {
        return options;
    }

    /** The service's scalable target and policies as last read from Application Auto Scaling. */
    public Optional<ScalableTarget> scalableTarget(String service) {
        return Optional.ofNullable(targets.get(service));
    }

    /** The service's scaling activities and capped or blocked wishes, oldest first. */
    public List<ScalingActivity> activities(String service) {
        synchronized (activities) {
            return List.copyOf(activities.getOrDefault(service, List.of()));
        }
    }

    /** Every service's activities, oldest first. */
    public List<ScalingActivity> activities() {
        synchronized (activities) {
            List<ScalingActivity> all = new ArrayList<>();
            activities.values().forEach(all::addAll);
            all.sort(java.util.Comparator.comparing(ScalingActivity::at));
            return all;
        }
    }

    /** The state changes of the service's managed alarms, oldest first. */
    public List<AlarmTransition> alarmHistory(String service) {
        synchronized (activities) {
            return List.copyOf(alarmHistory.getOrDefault(service, List.of()));
        }
    }

    /** How many periods were evaluated so far. */
    public long evaluations() {
        return evaluations;
    }

    /** Called on the autoscaler's thread for each new activity entry (not for repeats of one). */
    public void addListener(Consumer<ScalingActivity> listener) {
        listeners.add(listener);
    }

    // ---- each period -----------------------------------------------------------------------------

    private void periodClosed(long period, Instant end) {
        if (!closed) {
            worker.execute(() -> evaluateSafely(period, end));
        }
    }

    private void evaluateSafely(long period, Instant end) {
        try {
            if (period % options.refreshEveryPeriods() == 0) {
                refresh();
            }
            evaluate(period, Instant.now());
            evaluations++;
        } catch (RuntimeException e) {
            warnOnce("evaluate", "Autoscaler evaluation failed (later failures are not logged): " + e);
        }
    }

    private void evaluate(long period, Instant now) {
        if (targets.isEmpty() || closed) {
            return;
        }
        Map<String, Integer> desired = desiredCounts();
        for (ScalableTarget target : targets.values()) {
            Integer current = desired.get(target.service());
            if (current == null) {
                continue;
            }
            List<PolicyEvaluation> evaluations = new ArrayList<>();
            for (TargetTrackingPolicy policy : target.policies()) {
                MetricSeries series = metrics.series(policy.metric());
                AlarmEvaluation high = options.alarmHigh(policy).evaluate(series.window(period, options.highEvaluationPeriods()));
                AlarmEvaluation low = options.alarmLow(policy).evaluate(series.window(period, options.lowEvaluationPeriods()));
                track(target.service(), policy, high, now);
                track(target.service(), policy, low, now);
                evaluations.add(new PolicyEvaluation(policy, high, low));
            }
            ServiceScheduler scheduler = runtime.service(target.service());
            boolean deploying = scheduler.primary().map(d -> d.rolloutState() == Deployment.RolloutState.IN_PROGRESS).orElse(false);
            ScalingDecision decision = TargetTracking.decide(new ScalingSituation(target.service(), target.resourceId(), current,
                    target.min(), target.max(), evaluations, histories.get(target.service()), now, deploying,
                    target.scaleOutSuspended(), target.scaleInSuspended(), options.scaleInRule()));
            ScalingHistory before = histories.get(target.service());
            histories.put(target.service(), decision.history());
            for (ScalingActivity activity : decision.activities()) {
                log(apply(activity, before));
            }
        }
    }

    /** Sets a changed desired count through the ECS API; a failure becomes a FAILED entry and keeps the old history. */
    private ScalingActivity apply(ScalingActivity activity, ScalingHistory before) {
        if (!activity.changed()) {
            return activity;
        }
        try {
            runtime.environment().aws().ecs().updateService(r -> r.cluster(runtime.clusterName())
                    .service(runtime.awsServiceName(activity.service())).desiredCount(activity.to()));
            return activity;
        } catch (RuntimeException e) {
            histories.put(activity.service(), before == null ? ScalingHistory.NONE : before);
            return activity.withStatus(ScalingActivity.Status.FAILED, ScalingActivity.Limit.UPDATE_FAILED, activity.from(),
                    "UpdateService desiredCount=" + activity.to() + " failed: " + e.getMessage());
        }
    }

    /** Desired counts by service, from the ECS API (what UpdateService last set). */
    private Map<String, Integer> desiredCounts() {
        List<String> names = targets.keySet().stream().map(runtime::awsServiceName).toList();
        Map<String, Integer> byService = new HashMap<>();
        if (names.isEmpty()) {
            return byService;
        }
        List<Service> services = runtime.environment().aws().ecs()
                .describeServices(r -> r.cluster(runtime.clusterName()).services(names)).services();
        for (String service : targets.keySet()) {
            services.stream().filter(s -> s.serviceName().equals(runtime.awsServiceName(service))).findFirst()
                    .ifPresent(s -> byService.put(service, s.desiredCount()));
        }
        return byService;
    }

    private void track(String service, TargetTrackingPolicy policy, AlarmEvaluation evaluation, Instant now) {
        String name = evaluation.alarm().name();
        AlarmState previous = alarmStates.getOrDefault(name, AlarmState.INSUFFICIENT_DATA);
        if (previous != evaluation.state()) {
            alarmStates.put(name, evaluation.state());
            synchronized (activities) {
                alarmHistory.computeIfAbsent(service, s -> new ArrayList<>())
                        .add(new AlarmTransition(now, service, policy.policyName(), name, previous, evaluation.state(), evaluation.reason()));
            }
        }
    }

    private void log(ScalingActivity activity) {
        boolean isNew;
        synchronized (activities) {
            List<ScalingActivity> log = activities.computeIfAbsent(activity.service(), s -> new ArrayList<>());
            ScalingActivity last = log.isEmpty() ? null : log.get(log.size() - 1);
            isNew = activity.changed() || activity.status() == ScalingActivity.Status.FAILED || !activity.sameAs(last);
            if (isNew) {
                log.add(activity);
            } else {
                log.set(log.size() - 1, last.repeated(activity.at()));
            }
        }
        if (isNew) {
            LOG.info("{}", activity);
            for (Consumer<ScalingActivity> listener : listeners) {
                try {
                    listener.accept(activity);
                } catch (RuntimeException e) {
                    LOG.warn("Scaling activity listener failed: {}", e.toString());
                }
            }
        }
    }

    // ---- what Application Auto Scaling holds -------------------------------------------------------

    /** Reads the scalable targets and policies of the runtime's services again. */
    private void refresh() {
        ApplicationAutoScalingClient client = runtime.environment().aws().autoScaling();
        Map<String, String> serviceByResourceId = new HashMap<>();
        for (ServiceScheduler s : runtime.services()) {
            serviceByResourceId.put("service/" + runtime.clusterName() + "/" + runtime.awsServiceName(s.name()), s.name());
        }
        Map<String, List<ScalingPolicy>> policiesByResource = new HashMap<>();
        client.describeScalingPoliciesPaginator(r -> r.serviceNamespace(ServiceNamespace.ECS)).scalingPolicies().forEach(p -> {
            if (serviceByResourceId.containsKey(p.resourceId())) {
                policiesByResource.computeIfAbsent(p.resourceId(), k -> new ArrayList<>()).add(p);
            }
        });
        Map<String, ScalableTarget> fresh = new HashMap<>();
        client.describeScalableTargetsPaginator(r -> r.serviceNamespace(ServiceNamespace.ECS)).scalableTargets().forEach(t -> {
            String service = serviceByResourceId.get(t.resourceId());
            if (service == null || t.scalableDimension() != ScalableDimension.ECS_SERVICE_DESIRED_COUNT) {
                return;
            }
            List<TargetTrackingPolicy> policies = new ArrayList<>();
            for (ScalingPolicy p : policiesByResource.getOrDefault(t.resourceId(), List.of())) {
                toPolicy(service, p).ifPresent(policies::add);
            }
            boolean outSuspended = t.suspendedState() != null && Boolean.TRUE.equals(t.suspendedState().dynamicScalingOutSuspended());
            boolean inSuspended = t.suspendedState() != null && Boolean.TRUE.equals(t.suspendedState().dynamicScalingInSuspended());
            fresh.put(service, new ScalableTarget(service, t.resourceId(), t.minCapacity(), t.maxCapacity(), outSuspended, inSuspended, policies));
        });
        targets.keySet().retainAll(fresh.keySet());
        targets.putAll(fresh);
    }

    private Optional<TargetTrackingPolicy> toPolicy(String service, ScalingPolicy p) {
        if (p.policyType() != PolicyType.TARGET_TRACKING_SCALING) {
            warnOnce("type:" + p.policyName(), "Scaling policy " + p.policyName() + " is " + p.policyTypeAsString()
                    + ": only target tracking is emulated; it is ignored");
            return Optional.empty();
        }
        TargetTrackingScalingPolicyConfiguration config = p.targetTrackingScalingPolicyConfiguration();
        String metricType;
        MetricId metric;
        PredefinedMetricSpecification predefined = config.predefinedMetricSpecification();
        CustomizedMetricSpecification customized = config.customizedMetricSpecification();
        if (predefined != null) {
            metricType = predefined.predefinedMetricTypeAsString();
            metric = predefinedMetric(service, metricType, predefined.resourceLabel());
            if (metric == null) {
                warnOnce("metric:" + p.policyName(), "Scaling policy " + p.policyName() + " tracks " + metricType
                        + ", which the runtime does not measure; it is ignored");
                return Optional.empty();
            }
        } else if (customized != null && customized.metricName() != null) {
            metricType = customized.metricName();
            Map<String, String> dimensions = new LinkedHashMap<>();
            customized.dimensions().forEach(d -> dimensions.put(d.name(), d.value()));
            metric = new MetricId(customized.namespace(), customized.metricName(), dimensions);
        } else {
            warnOnce("metric:" + p.policyName(), "Scaling policy " + p.policyName() + " has no metric the runtime can read; it is ignored");
            return Optional.empty();
        }
        TimeScale scale = runtime.timeScale(); // cooldowns: control-plane waits, compressed
        int out = config.scaleOutCooldown() == null ? TargetTrackingPolicy.DEFAULT_COOLDOWN_SECONDS : config.scaleOutCooldown();
        int in = config.scaleInCooldown() == null ? TargetTrackingPolicy.DEFAULT_COOLDOWN_SECONDS : config.scaleInCooldown();
        String high = alarmName(p, "AlarmHigh");
        String low = alarmName(p, "AlarmLow");
        return Optional.of(new TargetTrackingPolicy(p.policyName(), p.policyARN(), metricType, metric, config.targetValue(), out, in,
                scale.compressed(out), scale.compressed(in), Boolean.TRUE.equals(config.disableScaleIn()), high, low));
    }

    private MetricId predefinedMetric(String service, String type, String resourceLabel) {
        return switch (type) {
            case "ECSServiceAverageCPUUtilization" -> metrics.ecsMetric(service, AwsMetrics.CPU_UTILIZATION);
            case "ECSServiceAverageMemoryUtilization" -> metrics.ecsMetric(service, AwsMetrics.MEMORY_UTILIZATION);
            case "ALBRequestCountPerTarget" -> {
                if (resourceLabel != null && resourceLabel.contains("/targetgroup/")) {
                    String[] dims = AwsMetrics.splitResourceLabel(resourceLabel);
                    yield AwsMetrics.targetGroup(dims[0], dims[1], AwsMetrics.REQUEST_COUNT_PER_TARGET);
                }
                yield metrics.serviceTargetGroupMetric(service, AwsMetrics.REQUEST_COUNT_PER_TARGET);
            }
            default -> null;
        };
    }

    /** The managed alarm's name as the engine created it, or the name AWS would give it. */
    private static String alarmName(ScalingPolicy p, String kind) {
        return p.alarms().stream().map(Alarm::alarmName).filter(n -> n != null && n.contains("-" + kind + "-")).findFirst()
                .orElse("TargetTracking-" + p.resourceId() + "-" + kind + "-" + p.policyName());
    }

    private void warnOnce(String key, String message) {
        if (warned.add(key)) {
            LOG.warn(message);
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        metrics.removePeriodListener(periodListener);
        worker.shutdown();
        try {
            if (!worker.awaitTermination(5, TimeUnit.SECONDS)) {
                worker.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (ownsMetrics) {
            metrics.close();
        }
    }
}
