package dev.preflight.engine;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * How every process Preflight starts is stopped, as ECS stops a container: SIGTERM to the process,
 * then, if it is still running when the grace (a task's stopTimeout) has passed, SIGKILL to it and
 * everything it started, so nothing is left orphaned. Signals go through the {@link ProcessHandle},
 * never {@link Process#destroy()}, which would also close the caller's end of the process's output
 * and lose what it prints while it shuts down.
 */
public final class StopSequence {
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "preflight-stop-timer");
        t.setDaemon(true);
        return t;
    });
    /** After SIGKILL, how long {@link #run} waits for the exit before it gives up. */
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);

    private StopSequence() {
    }

    /**
     * Sends SIGTERM now and arms the SIGKILL. The future completes with true when the grace ran out
     * and SIGKILL was sent (before it is sent, so the caller knows before the exit), with false when
     * the process exited by itself.
     */
    public static CompletableFuture<Boolean> begin(ProcessHandle process, Duration grace) {
        CompletableFuture<Boolean> killed = new CompletableFuture<>();
        if (!process.isAlive()) {
            killed.complete(false);
            return killed;
        }
        // Its children now: once it has exited they are no longer its descendants, and like a
        // container's other processes they end with it.
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy(); // SIGTERM
        ScheduledFuture<?> escalation = TIMER.schedule(() -> {
            if (process.isAlive() && killed.complete(true)) {
                killTree(process);
            }
        }, grace.toNanos(), TimeUnit.NANOSECONDS);
        process.onExit().thenRun(() -> {
            escalation.cancel(false);
            children.forEach(ProcessHandle::destroyForcibly);
            killed.complete(false);
        });
        return killed;
    }

    /** {@link #begin} and wait for the exit; true if SIGKILL was needed. */
    public static boolean run(ProcessHandle process, Duration grace) {
        CompletableFuture<Boolean> killed = begin(process, grace);
        try {
            process.onExit().get(grace.plus(KILL_WAIT).toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            killTree(process);
        } catch (Exception e) {
            killTree(process); // not even SIGKILL took within the wait: try once more
        }
        return killed.getNow(true);
    }

    /** SIGKILL at once, children first: a crash, or a container's end. */
    public static void killTree(ProcessHandle process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
