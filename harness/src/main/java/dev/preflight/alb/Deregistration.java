package dev.preflight.alb;

import dev.preflight.time.TimeScale;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * Draining one target (docs/aws-behaviour.md, section 3): it takes no new
 * requests and shows {@code draining} until the deregistration delay has passed, then {@code unused}.
 * The delay runs on both clocks:
 * <ul>
 *   <li>while requests are in flight it is a deadline they race, so it is AWS's own number in real
 *       time: a request still open when it runs out is cut, and its client gets 502;</li>
 *   <li>once nothing is in flight, nothing can observe the rest of it: the remainder runs on the
 *       compressed clock.</li>
 * </ul>
 */
final class Deregistration {
    /** Why a request was cut; the forwarder answers 502 for it. */
    static final class DelayExpired extends Exception {
        DelayExpired(String where, String targetId, Duration delay) {
            super(where + ": deregistration delay (" + seconds(delay) + ") of target " + targetId
                    + " ran out while this request was in flight", null, false, false);
        }
    }

    private enum Phase { DRAINING, IDLE, CUTTING, DONE }

    private final String where;
    private final RegisteredTarget target;
    private final Duration delay;
    private final TimeScale scale;
    private final Consumer<DeregistrationResult> onUnused;
    private final long startNanos = System.nanoTime();
    private final AtomicReference<Phase> phase = new AtomicReference<>(Phase.DRAINING);
    private final CompletableFuture<DeregistrationResult> future = new CompletableFuture<>();
    private final Scheduler scheduler;
    private volatile int inFlightAtStart;
    private volatile long drainedNanos = -1;
    private volatile Scheduler.Task timer;

    /**
     * @param delay    the target group's deregistration delay, AWS's number (real time)
     * @param onUnused removes the target from its group; it runs once, before the future completes
     */
    Deregistration(String where, RegisteredTarget target, Duration delay, TimeScale scale, Scheduler scheduler,
                   Consumer<DeregistrationResult> onUnused) {
        this.where = where;
        this.scheduler = scheduler;
        this.target = target;
        this.delay = delay;
        this.scale = scale;
        this.onUnused = onUnused;
    }

    CompletableFuture<DeregistrationResult> future() {
        return future;
    }

    /** Under the group's lock: the target stops taking requests at the moment it shows draining. */
    void stopAccepting() {
        inFlightAtStart = target.stopAccepting(this::onIdle);
    }

    /** Outside the group's lock: the idle remainder starts now if nothing is in flight, else the real deadline is armed. */
    void begin() {
        if (inFlightAtStart == 0) {
            onIdle();
        } else if (phase.get() == Phase.DRAINING) {
            arm(delay.toNanos(), this::expire); // a request that ends meanwhile makes expire() a no-op
        }
    }

    /** The last in-flight request ended: the rest of the delay runs compressed. */
    private void onIdle() {
        if (!phase.compareAndSet(Phase.DRAINING, Phase.IDLE)) {
            return;
        }
        cancelTimer();
        long elapsed = System.nanoTime() - startNanos;
        drainedNanos = elapsed;
        Duration remainder = Duration.ofNanos(Math.max(0, delay.toNanos() - elapsed));
        arm(scale.compressed(remainder).toNanos(), this::finishIdle);
    }

    private void finishIdle() {
        if (phase.compareAndSet(Phase.IDLE, Phase.DONE)) {
            complete(0, false);
        }
    }

    /** The real delay ran out with requests in flight: cut them (502). */
    private void expire() {
        if (!phase.compareAndSet(Phase.DRAINING, Phase.CUTTING)) {
            return;
        }
        drainedNanos = System.nanoTime() - startNanos;
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

    /** The load balancer closes: whatever is open is cut, an idle remainder ends now. */
    void endNow() {
        cancelTimer();
        expire();
        finishIdle();
    }

    private void arm(long nanos, Runnable action) {
        try {
            timer = scheduler.schedule(action, nanos, TimeUnit.NANOSECONDS);
        } catch (RuntimeException closing) {
            action.run(); // the scheduler is stopping with the load balancer
        }
    }

    private void cancelTimer() {
        Scheduler.Task t = timer;
        if (t != null) {
            t.cancel();
        }
    }

    private void complete(int cut, boolean expired) {
        long elapsed = System.nanoTime() - startNanos;
        DeregistrationResult result = new DeregistrationResult(target.id(), inFlightAtStart, cut, expired, delay,
                Duration.ofNanos(drainedNanos < 0 ? elapsed : drainedNanos), Duration.ofNanos(elapsed));
        try {
            onUnused.accept(result);
        } finally {
            future.complete(result);
        }
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
