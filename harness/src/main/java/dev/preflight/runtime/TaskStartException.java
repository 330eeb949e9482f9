package dev.preflight.runtime;

/**
 * A container that cannot start, worded as ECS gives the task's stoppedReason
 * ({@code CannotStartContainerError: ...}), naming the program or runtime and the fix.
 */
public class TaskStartException extends RuntimeException {
    public TaskStartException(String message) {
        super(message);
    }

    public TaskStartException(String message, Throwable cause) {
        super(message, cause);
    }
}
