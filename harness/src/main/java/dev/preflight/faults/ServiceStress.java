package dev.preflight.faults;

import dev.preflight.ecs.EcsRuntime;
import dev.preflight.ecs.EcsTask;
import dev.preflight.ecs.ServiceScheduler;
import dev.preflight.metrics.ProcessUsage;
import dev.preflight.metrics.TaskReservation;
import dev.preflight.runtime.RunningTask;
import dev.preflight.topology.EcsService;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A CPU or memory demand on one service, spread over its tasks as a load balancer spreads requests:
 * a demand of {@code d} task loads keeps each of the {@code n} live tasks at {@code d / n} of its
 * reservation (never above a cap), so the service's CPUUtilization or MemoryUtilization is
 * {@code 100 × d / n} % and target tracking at target {@code t} % settles at {@code ceil(100 × d / t)}
 * tasks, as it does for requests. Each task's share is made up by a {@link StressSidecar} charged
 * to it: what the task's own container uses counts toward its share, and what a task uses above its
 * share (a starting JVM) is taken off the others, so the service's total stays the demand. The
 * shares are adjusted every 250 ms, in real time: what the metrics measure is real work.
 *
 * <p>{@link #delivered()} says how much of the demand the machine actually gave: a busy machine
 * gives less, and a verdict on scaling must not blame the policy for it.
 */
public final class ServiceStress implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ServiceStress.class);
    private static final Duration TICK = Duration.ofMillis(250);
    /** Shares are judged for delivery once the sidecars have had this long to start and settle. */
    private static final Duration SETTLE = Duration.ofSeconds(1);

    /** What is stressed, and the metric of {@code AWS/ECS} it moves. */
    public enum Resource {
        CPU("ECSServiceAverageCPUUtilization"),
        MEMORY("ECSServiceAverageMemoryUtilization");

        private final String metric;

        Resource(String metric) {
            this.metric = metric;
        }

        /** The reservation's amount of this resource: cores, or bytes. */
        double amount(TaskReservation reservation) {
            return this == CPU ? reservation.vcpus() : reservation.memoryBytes();
        }

        /** The predefined target-tracking metric of this resource. */
        public String metric() {
            return metric;
        }

        /** The resource a predefined metric type follows, if it is CPU or memory. */
        public static Optional<Resource> ofMetric(String metric) {
            for (Resource r : values()) {
                if (r.metric.equals(metric)) {
                    return Optional.of(r);
                }
            }
            return Optional.empty();
        }
    }

    /** Last reading of a task's container, for its CPU rate. */
    private record Mark(double cpuSeconds, long nanos, double rate) {
    }

    private final EcsRuntime runtime;
    private final ServiceScheduler service;
    private final EcsService model;
    private final Resource resource;
    private final java.nio.file.Path workDir;
    private final Map<String, StressSidecar> sidecars = new HashMap<>();
    private final Map<String, Mark> containerMarks = new HashMap<>();
    private final Map<String, Mark> sidecarMarks = new HashMap<>();
    /** Each memory sidecar's resident bytes of its own, before it holds any. */
    private final Map<String, Long> ownMemory = new HashMap<>();
    private final ScheduledExecutorService ticker;
    private double taskLoads;
    private double capFraction = 1;
    private long demandSince;
    private double measuredSum;
    private double intendedSum;
    private volatile String failure;
    private boolean firstReading;
    private boolean closed;

    private ServiceStress(EcsRuntime runtime, String service, Resource resource) {
        this.runtime = runtime;
        this.service = runtime.service(service);
        this.model = runtime.environment().topology().ecs().services().get(service);
        this.resource = resource;
        this.workDir = runtime.environment().engines().runDir().resolve("stress");
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "preflight-stress-" + service);
            t.setDaemon(true);
            return t;
        });
    }

    /** Starts the controller of one service's {@code resource}, with no demand yet. */
    public static ServiceStress start(EcsRuntime runtime, String service, Resource resource) {
        ServiceStress stress = new ServiceStress(runtime, service, resource);
        stress.ticker.scheduleWithFixedDelay(stress::tickQuietly, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
        return stress;
    }

    /**
     * Demands {@code taskLoads} task reservations' worth of the resource from the service, each live
     * task given an even share but never above {@code capPercent} % of its own reservation; 0 stops
     * the stress (the sidecars go idle). Delivery is measured anew from here.
     */
    public synchronized void demand(double taskLoads, double capPercent) {
        this.taskLoads = Math.max(0, taskLoads);
        this.capFraction = Math.max(0, capPercent) / 100.0;
        this.demandSince = System.nanoTime();
        this.measuredSum = 0;
        this.intendedSum = 0;
    }

    /**
     * The share of the demand the service's tasks really used since it was set, from 0 to about 1
     * (1 when nothing was demanded); below 1 when the machine could not give it.
     */
    public synchronized double delivered() {
        return intendedSum <= 0 ? 1 : measuredSum / intendedSum;
    }

    /** Why the sidecars could not run (python3 missing, say), or null. */
    public String failure() {
        return failure;
    }

    private void tickQuietly() {
        if (failure != null) {
            return; // said once; the check reports it
        }
        try {
            tick();
        } catch (RuntimeException e) {
            failure = e.getMessage();
            LOG.warn("Stress of service {} failed: {}", service.name(), e.toString());
        }
    }

    private synchronized void tick() {
        if (closed) {
            return;
        }
        List<EcsTask> live = service.tasks().stream()
                .filter(t -> !t.stopped() && t.process() != null && t.process().isAlive()).toList();
        sidecars.entrySet().removeIf(e -> {
            boolean gone = live.stream().noneMatch(t -> t.taskId().equals(e.getKey()));
            if (gone) {
                e.getValue().close();
                containerMarks.remove(e.getKey());
                sidecarMarks.remove(e.getKey());
                ownMemory.remove(e.getKey());
            }
            return gone;
        });
        if (live.isEmpty()) {
            return;
        }
        double share = taskLoads <= 0 ? 0 : Math.min(capFraction, taskLoads / live.size());
        long now = System.nanoTime();
        firstReading = false;
        double[] reservation = new double[live.size()];
        double[] container = new double[live.size()];
        double[] side = new double[live.size()];
        for (int i = 0; i < live.size(); i++) {
            EcsTask task = live.get(i);
            reservation[i] = reservation(task.process());
            container[i] = reading(containerMarks, task.taskId(), ProcessUsage.of(task.process().pid()), now);
            StressSidecar sidecar = sidecars.get(task.taskId());
            if (sidecar == null && share > 0) {
                sidecar = StressSidecar.start(task, runtime.environment().engines().ledger(), workDir);
                sidecars.put(task.taskId(), sidecar);
            }
            side[i] = sidecar == null ? 0 : reading(sidecarMarks, task.taskId(), sidecar.usage(), now);
        }
        double intended = 0;
        double measured = 0;
        double over = 0;
        double[] wanted = new double[live.size()];
        double wantedSum = 0;
        for (int i = 0; i < live.size(); i++) {
            double target = share * reservation[i];
            intended += target;
            measured += container[i] + side[i];
            over += Math.max(0, container[i] - target);
            wanted[i] = Math.max(0, target - container[i]);
            wantedSum += wanted[i];
        }
        // What a task uses above its share (a starting JVM) comes off the others: the service's total stays the demand.
        double scale = wantedSum <= 0 ? 0 : Math.max(0, 1 - over / wantedSum);
        for (int i = 0; i < live.size(); i++) {
            StressSidecar sidecar = sidecars.get(live.get(i).taskId());
            if (sidecar != null) {
                apply(sidecar, wanted[i] * scale, side[i]);
            }
        }
        if (share > 0 && !firstReading && now - demandSince > SETTLE.toNanos()) {
            intendedSum += intended;
            measuredSum += Math.min(measured, intended * 1.5);
        }
    }

    private void apply(StressSidecar sidecar, double wanted, double sideNow) {
        if (resource == Resource.CPU) {
            sidecar.cpu(wanted);
            return;
        }
        // The sidecar's own interpreter counts in the task's share: it is read once, before it holds anything.
        String id = sidecar.task().taskId();
        Long base = ownMemory.get(id);
        if (base == null) {
            ownMemory.put(id, (long) sideNow);
            return;
        }
        sidecar.memory(wanted <= 0 ? 0 : Math.max(0, (long) wanted - base));
    }

    /** CPU: cores used since the last reading (smoothed); memory: resident bytes now. 0 when unreadable. */
    private double reading(Map<String, Mark> marks, String taskId, Optional<ProcessUsage> usage, long now) {
        if (usage.isEmpty()) {
            return 0;
        }
        if (resource == Resource.MEMORY) {
            return usage.get().rssBytes();
        }
        Mark previous = marks.get(taskId);
        double rate = 0;
        if (previous == null) {
            firstReading = true; // no rate yet: this tick says nothing of what was delivered
        } else if (now > previous.nanos()) {
            double instant = Math.max(0, usage.get().cpuSeconds() - previous.cpuSeconds()) / ((now - previous.nanos()) / 1e9);
            rate = 0.5 * instant + 0.5 * previous.rate();
        }
        marks.put(taskId, new Mark(usage.get().cpuSeconds(), now, rate));
        return rate;
    }

    /** The task's reservation: cores for CPU, bytes for memory. */
    private double reservation(RunningTask task) {
        return resource.amount(TaskReservation.of(task.spec(), model));
    }

    /** A task's reservation as the topology declares it: cores, or bytes. */
    public static double reservation(Resource resource, EcsService model) {
        return resource.amount(TaskReservation.declared(model));
    }

    /** e.g. "CPU of api: 1.75 task loads". */
    @Override
    public synchronized String toString() {
        return String.format(Locale.ROOT, "%s of %s: %.2f task loads (cap %.0f %%)", resource, service.name(), taskLoads, capFraction * 100);
    }

    /** Stops every sidecar and the controller. Idempotent. */
    @Override
    public void close() {
        ticker.shutdownNow();
        try {
            ticker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            closed = true;
            sidecars.values().forEach(StressSidecar::close);
            sidecars.clear();
        }
    }
}
