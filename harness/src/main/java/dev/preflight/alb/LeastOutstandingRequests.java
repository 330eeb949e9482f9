package dev.preflight.alb;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code least_outstanding_requests}: the target with the fewest requests in flight; ties are
 * broken in turn, so idle targets share the load instead of the first one taking it all.
 */
final class LeastOutstandingRequests implements RoutingAlgorithm {
    private final AtomicLong rotation = new AtomicLong();

    @Override
    public RegisteredTarget choose(List<RegisteredTarget> candidates) {
        int size = candidates.size();
        int start = (int) Math.floorMod(rotation.getAndIncrement(), (long) size);
        RegisteredTarget best = null;
        int fewest = Integer.MAX_VALUE;
        for (int i = 0; i < size; i++) {
            RegisteredTarget candidate = candidates.get((start + i) % size);
            int outstanding = candidate.outstanding();
            if (outstanding < fewest) {
                best = candidate;
                fewest = outstanding;
            }
        }
        return best;
    }
}
