package dev.preflight.check;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** The checks' one way to wait: poll a condition every 100 ms until it holds or the bound passes. */
final class Waits {
    private Waits() {
    }

    /** True as soon as {@code condition} holds, false once {@code bound} has passed without it. */
    static boolean until(Duration bound, BooleanSupplier condition) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() >= deadline) {
                return false;
            }
            pause(Duration.ofMillis(100));
        }
        return true;
    }

    static void pause(Duration d) {
        try {
            Thread.sleep(Math.max(0, d.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
