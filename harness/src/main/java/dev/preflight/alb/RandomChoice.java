package dev.preflight.alb;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** {@code weighted_random} with equal weights (targets carry no weight here): a uniform pick. */
final class RandomChoice implements RoutingAlgorithm {
    @Override
    public RegisteredTarget choose(List<RegisteredTarget> candidates) {
        return candidates.get(ThreadLocalRandom.current().nextInt(candidates.size()));
    }
}
