package dev.preflight.topology;

/** ECS rolling-update settings; defaults are ECS's for REPLICA services (100 / 200, breaker off). */
public record DeploymentConfiguration(Integer minimumHealthyPercent, Integer maximumPercent, CircuitBreaker circuitBreaker) {
    public DeploymentConfiguration {
        minimumHealthyPercent = minimumHealthyPercent == null ? 100 : minimumHealthyPercent;
        maximumPercent = maximumPercent == null ? 200 : maximumPercent;
        circuitBreaker = circuitBreaker == null ? new CircuitBreaker(false, false) : circuitBreaker;
    }

    public record CircuitBreaker(Boolean enable, Boolean rollback) {
        public CircuitBreaker {
            enable = enable != null && enable;
            rollback = rollback != null && rollback;
        }
    }
}
