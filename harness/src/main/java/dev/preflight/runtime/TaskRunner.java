package dev.preflight.runtime;

/**
 * Starts task containers. The process runner is the one that works without Docker; a container
 * runner can sit beside it behind this interface.
 */
public interface TaskRunner extends AutoCloseable {
    RunningTask start(TaskSpec spec);

    /** Stops every task this runner started and still runs, each with its own stopTimeout. */
    @Override
    void close();
}
