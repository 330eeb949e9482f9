package dev.preflight.scaling;

import dev.preflight.ecs.ServiceScheduler;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** Samples a service's desired and running counts every 50 ms and keeps their extremes: "never beyond min and max" is measured. */
public final class CountExtremes implements AutoCloseable {
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
    private final AtomicInteger maxDesired = new AtomicInteger(Integer.MIN_VALUE);
    private final AtomicInteger minDesired = new AtomicInteger(Integer.MAX_VALUE);
    private final AtomicInteger maxRunning = new AtomicInteger();

    public static CountExtremes watch(ServiceScheduler service) {
        CountExtremes e = new CountExtremes();
        e.sampler.scheduleAtFixedRate(() -> {
            int desired = service.desiredCount();
            e.maxDesired.accumulateAndGet(desired, Math::max);
            e.minDesired.accumulateAndGet(desired, Math::min);
            e.maxRunning.accumulateAndGet(service.runningTasks().size(), Math::max);
        }, 0, 50, TimeUnit.MILLISECONDS);
        return e;
    }

    public int maxDesired() {
        return maxDesired.get();
    }

    public int minDesired() {
        return minDesired.get();
    }

    public int maxRunning() {
        return maxRunning.get();
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }
}
