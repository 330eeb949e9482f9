package dev.preflight.runtime;

import java.nio.file.Path;
import java.time.Instant;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;

/** One started container of a task, whatever runs it. */
public interface RunningTask {
    String taskId();

    TaskSpec spec();

    Instant startedAt();

    int port();

    long pid();

    boolean isAlive();

    /** Empty while running. */
    OptionalInt exitCode();

    /**
     * ECS's stop: SIGTERM, then SIGKILL after the spec's stopTimeout. Completes with the exit code:
     * the process's own, or 128 + signal (143 SIGTERM, 137 SIGKILL). Calling it again changes nothing.
     */
    CompletableFuture<Integer> stop();

    /** SIGKILL at once: a crash, or the host going away. */
    void kill();

    /** Completes when the process has exited for any reason and its output has been read and shipped. */
    CompletableFuture<Integer> onExit();

    /** A copy of stdout and stderr in the run folder. */
    Path localLog();

    /** True if {@link #stop()} had to escalate to SIGKILL because the process outlived its stopTimeout. */
    boolean stoppedBySigkill();
}
