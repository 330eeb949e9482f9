package dev.preflight.ecs;

import dev.preflight.time.TimeScale;

/**
 * Settings of the runtime that AWS leaves undocumented or that a scenario may want to change:
 * the time-scale factor and the circuit breaker's minimum threshold (3 in current AWS documents,
 * 10 in the 2023 developer guide).
 */
public record RuntimeOptions(TimeScale timeScale, int circuitBreakerMinimumThreshold) {

    public static RuntimeOptions defaults() {
        return new RuntimeOptions(TimeScale.fromSystem(), CircuitBreaker.DEFAULT_MINIMUM_THRESHOLD);
    }

    public RuntimeOptions withTimeScale(TimeScale scale) {
        return new RuntimeOptions(scale, circuitBreakerMinimumThreshold);
    }

    public RuntimeOptions withCircuitBreakerMinimumThreshold(int minimum) {
        return new RuntimeOptions(timeScale, minimum);
    }
}
