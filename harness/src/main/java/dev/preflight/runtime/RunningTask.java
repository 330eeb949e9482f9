package dev.preflight.runtime;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;

/** One started container of a task, whatever runs it. */
public interface RunningTask {
    String taskId();

    TaskSpec spec();

    Instant startedAt();

    /** Where the task's port is reached from this machine: 127.0.0.1 and this port. */
    int port();

    /** The task's main process, as this machine sees it (its usage is read from it). */
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

    /**
     * Runs a command where the container runs (a health check): on this machine for a process task,
     * inside the container for a container task. Returns its exit code, or -1 when it outlived {@code timeout}
     * or could not start.
     */
    int exec(List<String> command, Duration timeout);

    /** How the task runs, for reports: "process 1234", or "Docker container 0123456789ab". */
    default String runsAs() {
        return "process " + pid();
    }

    /** How close probes of a starting task's health check may come: what one {@link #exec} costs bounds it. */
    default Duration minimumProbeSpacing() {
        return Duration.ofMillis(100);
    }

    /** ECS's container reason when a container is killed for its memory limit. */
    String OUT_OF_MEMORY = "OutOfMemoryError: Container killed due to memory usage";

    /** ECS's container reason for an exit the runtime caused, e.g. an out-of-memory kill; empty otherwise. */
    default Optional<String> containerReason() {
        return Optional.empty();
    }

    /** True if {@link #stop()} had to escalate to SIGKILL because the process outlived its stopTimeout. */
    boolean stoppedBySigkill();
}
