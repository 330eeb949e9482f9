package dev.preflight.runtime;

/**
 * Starts task containers: as processes of this machine ({@link ProcessTaskRunner}, no Docker needed)
 * or as Docker containers from their real images ({@link ContainerTaskRunner}).
 */
public interface TaskRunner extends AutoCloseable {
    RunningTask start(TaskSpec spec);

    /**
     * True when tasks share this machine's network (processes): each needs a port of its own, given in
     * PORT. False when each has its own (containers): a task listens on its container port, published
     * on 127.0.0.1 at a free one.
     */
    boolean sharesHostNetwork();

    /** Stops every task this runner started and still runs, each with its own stopTimeout. */
    @Override
    void close();
}
