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

    /**
     * ECS's stop of each task at once, waiting for the longest stopTimeout and {@code killWait} more.
     * Returns false when some did not exit in time (or the wait was interrupted): the caller kills them.
     */
    static boolean stopAll(java.util.List<? extends RunningTask> tasks, java.time.Duration killWait) {
        java.time.Duration longest = tasks.stream().map(t -> t.spec().stopTimeout()).max(java.time.Duration::compareTo)
                .orElse(java.time.Duration.ZERO);
        java.util.concurrent.CompletableFuture<?>[] stops = tasks.stream().map(RunningTask::stop)
                .toArray(java.util.concurrent.CompletableFuture[]::new);
        try {
            java.util.concurrent.CompletableFuture.allOf(stops).get(longest.plus(killWait).toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return false;
        }
    }
}
