package dev.preflight.ecs;

import dev.preflight.alb.LoadBalancerOptions;
import dev.preflight.time.TimeScale;

/**
 * Settings of the runtime that the topology does not hold: the time-scale factor of the control
 * plane's clock, the circuit breaker's minimum threshold (3 in current AWS documents, 10 in the 2023
 * developer guide), and the load balancer's own settings.
 */
public record RuntimeOptions(TimeScale timeScale, int circuitBreakerMinimumThreshold, LoadBalancerOptions loadBalancer) {

    public static RuntimeOptions defaults() {
        return new RuntimeOptions(TimeScale.fromSystem(), CircuitBreaker.DEFAULT_MINIMUM_THRESHOLD, LoadBalancerOptions.defaults());
    }

    public RuntimeOptions withTimeScale(TimeScale scale) {
        return new RuntimeOptions(scale, circuitBreakerMinimumThreshold, loadBalancer);
    }

    public RuntimeOptions withCircuitBreakerMinimumThreshold(int minimum) {
        return new RuntimeOptions(timeScale, minimum, loadBalancer);
    }

    public RuntimeOptions withLoadBalancer(LoadBalancerOptions options) {
        return new RuntimeOptions(timeScale, circuitBreakerMinimumThreshold, options);
    }
}
