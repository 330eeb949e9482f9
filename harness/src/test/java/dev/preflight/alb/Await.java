package dev.preflight.alb;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** A named, bounded wait (Awaitility is not in the harness's test dependencies). */
final class Await {
    private Await() {
    }

    static void until(String what, Duration atMost, BooleanSupplier condition) {
        until(what, atMost, condition, () -> "");
    }

    /** Polls every 10 ms; on timeout fails naming the wait and the last state seen. */
    static void until(String what, Duration atMost, BooleanSupplier condition, Supplier<Object> state) {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + atMost.toMillis() + " ms waiting for " + what
                        + "; last state: " + state.get());
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }
}
