package dev.preflight.engine;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** A bounded wait for something to become ready, whose timeout message says what was awaited. */
public final class Readiness {
    private Readiness() {
    }

    /** Waits until {@code host:port} accepts TCP connections; the timeout message names {@code what}. */
    public static void awaitListening(String what, String host, int port, Duration timeout) {
        await(what + " to accept connections on " + host + ":" + port, timeout, () -> LocalPorts.isListening(host, port), () -> null);
    }

    /**
     * Polls {@code ready} until it returns true; fails when {@code failed} returns a reason (e.g. the
     * process exited) or the timeout passes.
     */
    public static void await(String what, Duration timeout, BooleanSupplier ready, Supplier<String> failed) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pause = 20;
        while (true) {
            if (ready.getAsBoolean()) {
                return;
            }
            String reason = failed.get();
            if (reason != null) {
                throw new EngineException("Gave up waiting for " + what + ": " + reason);
            }
            if (System.nanoTime() > deadline) {
                throw new EngineException("Timed out after " + timeout.toSeconds() + " s waiting for " + what);
            }
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EngineException("Interrupted while waiting for " + what);
            }
            pause = Math.min(pause * 2, 250);
        }
    }
}
