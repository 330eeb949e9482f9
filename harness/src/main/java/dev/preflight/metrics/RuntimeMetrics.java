package dev.preflight.metrics;

import dev.preflight.alb.TargetGroupMetrics;
import dev.preflight.alb.TargetGroupRuntime;
import dev.preflight.ecs.EcsRuntime;
import dev.preflight.ecs.EcsTask;
import dev.preflight.ecs.ServiceScheduler;
import dev.preflight.runtime.RunningTask;
import dev.preflight.topology.EcsService;
import dev.preflight.topology.Topology;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime's CloudWatch metrics, measured for real once per period. The periods are the control
 * plane's, on the compressed clock (60 AWS seconds: 1 s real at the default factor); what they
 * measure is real: rates of real work over real time (CPU seconds per second, requests per real
 * minute), so a target of 1000 requests per target per minute means the same load here as on AWS:
 * <ul>
 *   <li>{@code AWS/ECS} CPUUtilization and MemoryUtilization per service (ClusterName, ServiceName):
 *       each task's CPU time ({@link ProcessUsage}: /proc on Linux, OSHI on macOS) over the wall time, against the task definition's cpu units
 *       (256 = 0.25 vCPU), and its resident memory against the task memory (MiB); the service's value
 *       is the sum used over the sum reserved of its tasks.</li>
 *   <li>{@code AWS/ApplicationELB} per target group (LoadBalancer, TargetGroup): RequestCount,
 *       RequestCountPerTarget (requests over the period's average healthy targets; counts are the window's
 *       real rate times the period's real length), TargetResponseTime
 *       (seconds, real), HTTPCode_Target_5XX_Count and HealthyHostCount (averaged over the period).
 *       As in AWS, a period without requests has no request datapoints unless
 *       {@link MetricsOptions#reportIdlePeriods()}.</li>
 * </ul>
 * The series stay in memory ({@link #store()}) for the autoscaler, which reads them per period
 * ({@link #addPeriodListener}), and are mirrored to the AWS engine ({@link CloudWatchMirror}).
 *
 * <p>One collector per runtime: the load balancer's per-period windows are read and reset here.
 */
public final class RuntimeMetrics implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RuntimeMetrics.class);
    private static final Set<EcsRuntime> MEASURED = Collections.synchronizedSet(Collections.newSetFromMap(new WeakHashMap<>()));

    /** Called after each period's datapoints are stored, on the collector's thread: return quickly. */
    @FunctionalInterface
    public interface PeriodListener {
        void periodClosed(long period, Instant end);
    }

    private record CpuMark(double cpuSeconds, Instant at) {
    }

    private final EcsRuntime runtime;
    private final MetricsOptions options;
    private final Duration period;
    private final MetricStore store;
    private final CloudWatchMirror mirror;
    private final ScheduledExecutorService collector;
    private final List<PeriodListener> listeners = new CopyOnWriteArrayList<>();
    private final Map<String, CpuMark> cpuMarks = new HashMap<>();
    private final Map<String, TaskUsage> taskUsage = new ConcurrentHashMap<>();
    private final Map<String, double[]> healthSamples = new HashMap<>(); // target group -> {sum, count}
    private final Map<String, String[]> albDimensions = new LinkedHashMap<>(); // target group -> {LoadBalancer, TargetGroup}
    private final AtomicBoolean warnedTick = new AtomicBoolean();
    private final AtomicBoolean warnedProc = new AtomicBoolean();
    private long subTicks;
    private long periodNumber = -1;
    private volatile long lastPeriod = -1;
    private volatile boolean closed;

    private RuntimeMetrics(EcsRuntime runtime, MetricsOptions options) {
        this.runtime = runtime;
        this.options = options;
        this.period = runtime.timeScale().compressed(options.periodSeconds());
        if (period.toMillis() < 10) {
            throw new IllegalArgumentException("a metric period of " + options.periodSeconds() + " AWS seconds at time scale "
                    + runtime.timeScale().factor() + " is " + period.toNanos() + " ns: too short to measure; use a longer period");
        }
        this.store = new MetricStore(options.retentionPeriods());
        Topology topology = runtime.environment().topology();
        if (topology.loadBalancer() != null && runtime.loadBalancer() != null) {
            String lbArn = runtime.environment().outputs().get("loadBalancer", topology.loadBalancer().name()).orElse(null);
            String lbDimension = lbArn == null ? "app/" + topology.naming().of(topology.loadBalancer().name()) + "/0"
                    : AwsMetrics.loadBalancerDimension(lbArn);
            for (String group : topology.loadBalancer().targetGroups().keySet()) {
                String tgArn = runtime.environment().outputs().get("targetGroup", group).orElse(null);
                String tgDimension = tgArn == null ? "targetgroup/" + topology.naming().of(group) + "/0" : AwsMetrics.targetGroupDimension(tgArn);
                albDimensions.put(group, new String[] {lbDimension, tgDimension});
                healthSamples.put(group, new double[2]);
            }
        }
        this.mirror = options.mirrorToCloudWatch() ? CloudWatchMirror.to(runtime.environment().aws()) : null;
        this.collector = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "preflight-metrics");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(1, period.toNanos() / options.healthSamplesPerPeriod());
        collector.scheduleAtFixedRate(this::subTick, every, every, TimeUnit.NANOSECONDS);
    }

    /**
     * Starts measuring the runtime's services and target groups.
     *
     * @throws IllegalStateException if another collector already measures this runtime
     */
    public static RuntimeMetrics start(EcsRuntime runtime, MetricsOptions options) {
        if (!MEASURED.add(runtime)) {
            throw new IllegalStateException("The runtime of " + runtime.environment().name() + " is already measured by a"
                    + " RuntimeMetrics (the load balancer's metric windows can have one reader): use that one, e.g."
                    + " Autoscaler.metrics()");
        }
        try {
            return new RuntimeMetrics(runtime, options);
        } catch (RuntimeException e) {
            MEASURED.remove(runtime);
            throw e;
        }
    }

    public static RuntimeMetrics start(EcsRuntime runtime) {
        return start(runtime, MetricsOptions.defaults());
    }

    public EcsRuntime runtime() {
        return runtime;
    }

    public MetricsOptions options() {
        return options;
    }

    /** The real (compressed) length of one period. */
    public Duration period() {
        return period;
    }

    public MetricStore store() {
        return store;
    }

    /** The number of the last period closed, -1 before the first. */
    public long lastPeriod() {
        return lastPeriod;
    }

    public Optional<CloudWatchMirror> mirror() {
        return Optional.ofNullable(mirror);
    }

    public void addPeriodListener(PeriodListener listener) {
        listeners.add(listener);
    }

    public void removePeriodListener(PeriodListener listener) {
        listeners.remove(listener);
    }

    /** {@code AWS/ECS <metricName>} of a service (by its topology name). */
    public MetricId ecsMetric(String service, String metricName) {
        return AwsMetrics.ecsService(runtime.clusterName(), runtime.awsServiceName(service), metricName);
    }

    /** {@code AWS/ApplicationELB <metricName>} of a target group (by its topology name). */
    public MetricId targetGroupMetric(String targetGroup, String metricName) {
        String[] dims = albDimensions.get(targetGroup);
        if (dims == null) {
            throw new IllegalArgumentException("No target group '" + targetGroup + "' behind the load balancer: " + albDimensions.keySet());
        }
        return AwsMetrics.targetGroup(dims[0], dims[1], metricName);
    }

    /** {@code AWS/ApplicationELB <metricName>} of the target group a service is registered in. */
    public MetricId serviceTargetGroupMetric(String service, String metricName) {
        EcsService model = runtime.environment().topology().ecs().services().get(service);
        if (model == null || model.targetGroup() == null) {
            throw new IllegalArgumentException("ECS service '" + service + "' has no target group");
        }
        return targetGroupMetric(model.targetGroup(), metricName);
    }

    public MetricSeries series(MetricId id) {
        return store.series(id);
    }

    /** Each live task's use over its last measured period, by task id. */
    public Map<String, TaskUsage> taskUsage() {
        return Map.copyOf(taskUsage);
    }

    // ---- the collector ----------------------------------------------------------------------------

    private void subTick() {
        if (closed) {
            return;
        }
        try {
            sampleHealth();
            if (++subTicks % options.healthSamplesPerPeriod() == 0) {
                closePeriod(++periodNumber, Instant.now());
            }
        } catch (RuntimeException e) {
            if (warnedTick.compareAndSet(false, true)) {
                LOG.warn("Metric collection failed (later failures are not logged): {}", e.toString(), e);
            }
        }
    }

    private void sampleHealth() {
        for (Map.Entry<String, double[]> e : healthSamples.entrySet()) {
            TargetGroupRuntime group = runtime.loadBalancer().targetGroup(e.getKey());
            e.getValue()[0] += group.healthyCount();
            e.getValue()[1]++;
        }
    }

    private void closePeriod(long number, Instant end) {
        List<Map.Entry<MetricId, Datapoint>> points = new ArrayList<>();
        for (ServiceScheduler service : runtime.services()) {
            measureService(service, number, end, points);
        }
        for (Map.Entry<String, double[]> e : healthSamples.entrySet()) {
            measureTargetGroup(e.getKey(), e.getValue(), number, end, points);
        }
        for (Map.Entry<MetricId, Datapoint> p : points) {
            store.record(p.getKey(), p.getValue());
            if (mirror != null) {
                mirror.offer(p.getKey(), p.getValue(), period.compareTo(Duration.ofSeconds(60)) < 0);
            }
        }
        lastPeriod = number;
        for (PeriodListener listener : listeners) {
            try {
                listener.periodClosed(number, end);
            } catch (RuntimeException e) {
                LOG.warn("Metric period listener failed: {}", e.toString());
            }
        }
    }

    private void measureService(ServiceScheduler service, long number, Instant end, List<Map.Entry<MetricId, Datapoint>> out) {
        double used = 0;
        double reserved = 0;
        double rss = 0;
        double memoryReserved = 0;
        for (EcsTask task : service.tasks()) {
            RunningTask process = task.process();
            if (task.stopped() || process == null || !process.isAlive()) {
                if (cpuMarks.remove(task.taskId()) != null) {
                    taskUsage.remove(task.taskId());
                }
                continue;
            }
            Optional<ProcessUsage> usage = usageOf(task);
            if (usage.isEmpty()) {
                if (!ProcessUsage.supported() && warnedProc.compareAndSet(false, true)) {
                    LOG.warn("Process CPU and memory cannot be read on this machine (no /proc, and OSHI did not load):"
                            + " ECS CPUUtilization and MemoryUtilization are not measured");
                }
                continue;
            }
            TaskReservation reservation = TaskReservation.of(process.spec(), runtime.environment().topology().ecs().services().get(service.name()));
            // A task seen for the first time is measured from its process start: ECS counts a container's CPU from its start.
            CpuMark previous = cpuMarks.getOrDefault(task.taskId(), new CpuMark(0, process.startedAt()));
            double wall = Duration.between(previous.at(), end).toNanos() / 1e9;
            double cpu = Math.max(0, usage.get().cpuSeconds() - previous.cpuSeconds());
            cpuMarks.put(task.taskId(), new CpuMark(usage.get().cpuSeconds(), end));
            double vcpus = reservation.vcpus();
            double memoryBytes = reservation.memoryBytes();
            if (wall > 0) {
                used += cpu;
                reserved += vcpus * wall;
            }
            rss += usage.get().rssBytes();
            memoryReserved += memoryBytes;
            taskUsage.put(task.taskId(), new TaskUsage(service.name(), task.taskId(), end, wall > 0 ? cpu / (vcpus * wall) * 100 : 0,
                    usage.get().rssBytes() / memoryBytes * 100, usage.get().rssBytes(), reservation.cpuUnits(), reservation.memoryMiB()));
        }
        if (reserved > 0) {
            out.add(Map.entry(ecsMetric(service.name(), AwsMetrics.CPU_UTILIZATION),
                    new Datapoint(number, end, used / reserved * 100, AwsMetrics.PERCENT)));
        }
        if (memoryReserved > 0) {
            out.add(Map.entry(ecsMetric(service.name(), AwsMetrics.MEMORY_UTILIZATION),
                    new Datapoint(number, end, rss / memoryReserved * 100, AwsMetrics.PERCENT)));
        }
    }

    /** The task's container and its sidecars, as ECS counts a task's usage; empty when the container is gone. */
    static Optional<ProcessUsage> usageOf(EcsTask task) {
        Optional<ProcessUsage> container = ProcessUsage.of(task.process().pid());
        if (container.isEmpty()) {
            return container;
        }
        double cpu = container.get().cpuSeconds();
        long rss = container.get().rssBytes();
        for (ProcessHandle sidecar : task.sidecars()) {
            Optional<ProcessUsage> more = ProcessUsage.of(sidecar.pid());
            if (more.isPresent()) {
                cpu += more.get().cpuSeconds();
                rss += more.get().rssBytes();
            }
        }
        return Optional.of(new ProcessUsage(cpu, rss));
    }

    private void measureTargetGroup(String name, double[] health, long number, Instant end, List<Map.Entry<MetricId, Datapoint>> out) {
        TargetGroupRuntime group = runtime.loadBalancer().targetGroup(name);
        TargetGroupMetrics.Snapshot window = group.metrics().snapshotAndReset();
        double healthy = health[1] == 0 ? group.healthyCount() : health[0] / health[1];
        health[0] = 0;
        health[1] = 0;
        out.add(Map.entry(targetGroupMetric(name, AwsMetrics.HEALTHY_HOST_COUNT), new Datapoint(number, end, healthy, AwsMetrics.COUNT)));
        long requests = window.requestCount();
        if (requests == 0 && !options.reportIdlePeriods()) {
            return; // ELB publishes request metrics only while requests flow
        }
        // Counts are per AWS period of real traffic: the requests of the (compressed) window, as a rate,
        // times the period's real length. 1000 requests per target per minute means 1000 real requests
        // in a real minute, whatever the time scale; only the evaluation periods come faster.
        double perPeriod = perPeriod(window.period());
        // With no healthy target the group routes to all (fail-open): count per registered target then.
        double perTargetDivisor = healthy > 0 ? healthy : Math.max(1, group.targets().size());
        out.add(Map.entry(targetGroupMetric(name, AwsMetrics.REQUEST_COUNT), new Datapoint(number, end, requests * perPeriod, AwsMetrics.COUNT)));
        out.add(Map.entry(targetGroupMetric(name, AwsMetrics.REQUEST_COUNT_PER_TARGET),
                new Datapoint(number, end, requests * perPeriod / perTargetDivisor, AwsMetrics.COUNT)));
        if (requests > 0) {
            out.add(Map.entry(targetGroupMetric(name, AwsMetrics.TARGET_RESPONSE_TIME),
                    new Datapoint(number, end, window.averageResponseTimeMillis() / 1000.0, AwsMetrics.SECONDS)));
            out.add(Map.entry(targetGroupMetric(name, AwsMetrics.TARGET_5XX_COUNT),
                    new Datapoint(number, end, window.target5xxCount() * perPeriod, AwsMetrics.COUNT)));
        }
    }

    /**
     * The AWS period's real length over the window: a count in the window becomes a count per real
     * period. A window between half and twice the compressed period is taken as it is measured; a
     * stalled one is taken as one period long, so the stall does not look like load.
     */
    private double perPeriod(Duration window) {
        double realPeriodNanos = options.periodSeconds() * 1e9;
        double measured = Math.max(1, window.toNanos());
        double ratio = (double) period.toNanos() / measured;
        return ratio >= 0.5 && ratio <= 2 ? realPeriodNanos / measured : realPeriodNanos / period.toNanos();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        collector.shutdownNow();
        try {
            collector.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (mirror != null) {
            mirror.close();
        }
        MEASURED.remove(runtime);
    }
}
