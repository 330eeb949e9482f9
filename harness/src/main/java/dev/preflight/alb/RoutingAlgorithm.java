package dev.preflight.alb;

import java.util.List;

/** How a target group picks one of its routable targets for a request. */
interface RoutingAlgorithm {
    /** Picks one of {@code candidates}, which is never empty. */
    RegisteredTarget choose(List<RegisteredTarget> candidates);

    /** The algorithm for {@code load_balancing.algorithm.type}. */
    static RoutingAlgorithm named(String name, String where) {
        return switch (name) {
            case "round_robin" -> new RoundRobin();
            case "least_outstanding_requests" -> new LeastOutstandingRequests();
            // AWS weights by target; with equal weights and no anomaly mitigation that is uniform random.
            case "weighted_random" -> new RandomChoice();
            default -> throw new LoadBalancerException(where + ": algorithm '" + name
                    + "' is not one of round_robin, least_outstanding_requests, weighted_random");
        };
    }
}
