package dev.preflight.alb;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/** {@code round_robin}: each request goes to the next routable target in registration order. */
final class RoundRobin implements RoutingAlgorithm {
    private final AtomicLong next = new AtomicLong();

    @Override
    public RegisteredTarget choose(List<RegisteredTarget> candidates) {
        return candidates.get((int) Math.floorMod(next.getAndIncrement(), (long) candidates.size()));
    }
}
