package dev.preflight.ecs;

import dev.preflight.time.TimeScale;

/**
 * Settings of the runtime that AWS leaves undocumented or that a scenario may want to change:
 * the time-scale factor and the circuit breaker's minimum threshold (3 in current AWS documents,
 * 10 in the 2023 developer guide).
 */
public record RuntimeOptions(TimeScale timeScale, int circuitBreakerMinimumThreshold, java.time.Duration minimumCheckTimeout,
                             java.time.Duration minimumIdleTimeout) {

    /**
     * Health-check timeouts (load balancer and container) never go below this much real time:
     * compressed, ECS's 5 s becomes 83 ms, less than a busy 2-core machine needs to start curl or
     * answer a request, and checks would fail for the machine's sake rather than the task's.
     */
    public static final java.time.Duration DEFAULT_MINIMUM_CHECK_TIMEOUT = java.time.Duration.ofSeconds(1);

    /**
     * The load balancer's idle timeout never goes below this much real time: compressed, AWS's 60 s
     * is 1 s, less than a new task's first request to its database takes, and keep-alive connections
     * closed every second race with clients reusing them. Set it to zero to watch 504s on purpose.
     */
    public static final java.time.Duration DEFAULT_MINIMUM_IDLE_TIMEOUT = java.time.Duration.ofSeconds(10);

    public static RuntimeOptions defaults() {
        return new RuntimeOptions(TimeScale.fromSystem(), CircuitBreaker.DEFAULT_MINIMUM_THRESHOLD, DEFAULT_MINIMUM_CHECK_TIMEOUT,
                DEFAULT_MINIMUM_IDLE_TIMEOUT);
    }

    public RuntimeOptions withMinimumIdleTimeout(java.time.Duration floor) {
        return new RuntimeOptions(timeScale, circuitBreakerMinimumThreshold, minimumCheckTimeout, floor);
    }

    public RuntimeOptions withTimeScale(TimeScale scale) {
        return new RuntimeOptions(scale, circuitBreakerMinimumThreshold, minimumCheckTimeout, minimumIdleTimeout);
    }

    public RuntimeOptions withCircuitBreakerMinimumThreshold(int minimum) {
        return new RuntimeOptions(timeScale, minimum, minimumCheckTimeout, minimumIdleTimeout);
    }

    public RuntimeOptions withMinimumCheckTimeout(java.time.Duration floor) {
        return new RuntimeOptions(timeScale, circuitBreakerMinimumThreshold, floor, minimumIdleTimeout);
    }
}
