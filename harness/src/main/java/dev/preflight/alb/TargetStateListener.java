package dev.preflight.alb;

/**
 * Told of every state change of a target, in the order the changes happened. Registration is
 * reported as {@code unused -> initial} and removal after draining as {@code draining -> unused}.
 * Called on a load balancer thread: return quickly and do not block.
 */
@FunctionalInterface
public interface TargetStateListener {
    void onChange(String targetId, TargetState from, TargetState to, String reason);
}
