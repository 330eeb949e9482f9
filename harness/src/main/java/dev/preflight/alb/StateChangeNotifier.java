package dev.preflight.alb;

import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers a target group's state changes to its listeners in the order they happened, one at a
 * time, and never under the group's lock (a listener may call back into the group). Changes are
 * queued under the lock and delivered by whichever thread calls {@link #deliver()} first.
 */
final class StateChangeNotifier {
    private static final Logger LOG = LoggerFactory.getLogger(StateChangeNotifier.class);

    private record Change(String targetId, TargetState from, TargetState to, String reason) {
    }

    private final String where;
    private final List<TargetStateListener> listeners = new CopyOnWriteArrayList<>();
    private final Queue<Change> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean delivering = new AtomicBoolean();

    StateChangeNotifier(String where) {
        this.where = where;
    }

    void addListener(TargetStateListener listener) {
        listeners.add(listener);
    }

    void enqueue(String targetId, TargetHealthStateMachine.Transition transition) {
        queue.add(new Change(targetId, transition.from(), transition.to(), transition.reason()));
        LOG.info("{}: target {} {} -> {}{}", where, targetId, transition.from(), transition.to(),
                transition.reason() == null ? "" : " (" + transition.reason() + ")");
    }

    void deliver() {
        while (!queue.isEmpty() && delivering.compareAndSet(false, true)) {
            try {
                for (Change change; (change = queue.poll()) != null; ) {
                    for (TargetStateListener listener : listeners) {
                        try {
                            listener.onChange(change.targetId(), change.from(), change.to(), change.reason());
                        } catch (RuntimeException e) {
                            LOG.warn("{}: state listener {} failed on target {} {} -> {}", where, listener,
                                    change.targetId(), change.from(), change.to(), e);
                        }
                    }
                }
            } finally {
                delivering.set(false);
            }
        }
    }
}
