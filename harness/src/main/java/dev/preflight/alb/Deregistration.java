package dev.preflight.alb;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Draining one target: it takes no new requests; it becomes {@code unused} as soon as it serves
 * none, or when the deregistration delay runs out, which cuts the requests still open (their clients
 * get 502, AWS-SEMANTICS.md section 3).
 */
final class Deregistration {
    /** Why a request was cut; the forwarder answers 502 for it. */
    static final class DelayExpired extends Exception {
        DelayExpired(String where, String targetId, Duration delay) {
            super(where + ": deregistration delay (" + delay.toMillis() + " ms compressed) of target " + targetId
                    + " ran out while this request was in flight", null, false, false);
        }
    }

    private enum Phase { DRAINING, CUTTING, DONE }

    private final String where;
    private final RegisteredTarget target;
    private final Duration delay;
    private final Consumer<DeregistrationResult> onUnused;
    private final long startNanos = System.nanoTime();
    private final AtomicReference<Phase> phase = new AtomicReference<>(Phase.DRAINING);
    private final CompletableFuture<DeregistrationResult> future = new CompletableFuture<>();
    private volatile int inFlightAtStart;
    private volatile Scheduler.Task timer;

    /** {@code onUnused} removes the target from its group; it runs once, before the future completes. */
    Deregistration(String where, RegisteredTarget target, Duration delay, Consumer<DeregistrationResult> onUnused) {
        this.where = where;
        this.target = target;
        this.delay = delay;
        this.onUnused = onUnused;
    }

    CompletableFuture<DeregistrationResult> future() {
        return future;
    }

    /** Under the group's lock: the target stops taking requests at the moment it shows draining. */
    void stopAccepting() {
        inFlightAtStart = target.stopAccepting(this::onIdle);
    }

    /** Outside the group's lock: finishes now if idle, else arms the delay. */
    void awaitIdleOrDelay(Scheduler scheduler) {
        if (inFlightAtStart == 0) {
            onIdle();
            return;
        }
        if (phase.get() == Phase.DRAINING) {
            try {
                timer = scheduler.schedule(this::expire, delay.toNanos(), TimeUnit.NANOSECONDS);
            } catch (RuntimeException closing) {
                expire(); // the scheduler is stopping with the load balancer
            }
        }
    }

    private void onIdle() {
        if (phase.compareAndSet(Phase.DRAINING, Phase.DONE)) {
            Scheduler.Task t = timer;
            if (t != null) {
                t.cancel();
            }
            complete(0, false);
        }
    }

    /** The delay ran out (or the load balancer closes): cut what is still open. */
    void expire() {
        if (!phase.compareAndSet(Phase.DRAINING, Phase.CUTTING)) {
            return;
        }
        List<Exchange> open = target.takeInFlight();
        DelayExpired cause = new DelayExpired(where, target.id(), delay);
        @SuppressWarnings("unchecked")
        CompletableFuture<Boolean>[] cuts = open.stream()
                .map(e -> e.cut(cause).handle((wasOpen, failure) -> failure == null && Boolean.TRUE.equals(wasOpen)))
                .toArray(CompletableFuture[]::new);
        CompletableFuture.allOf(cuts).whenComplete((ignored, failure) -> {
            int cut = 0;
            for (CompletableFuture<Boolean> c : cuts) {
                cut += c.join() ? 1 : 0;
            }
            phase.set(Phase.DONE);
            complete(cut, true);
        });
    }

    private void complete(int cut, boolean expired) {
        DeregistrationResult result = new DeregistrationResult(target.id(), inFlightAtStart, cut, expired,
                Duration.ofNanos(System.nanoTime() - startNanos));
        try {
            onUnused.accept(result);
        } finally {
            future.complete(result);
        }
    }
}
