package dev.preflight.deploy;

import java.time.Duration;

/**
 * How one run of the pipeline ended. SUCCEEDED: the new version reached steady state. ROLLED_BACK:
 * the circuit breaker failed the deployment and ECS returned to the last completed one. FAILED:
 * the pipeline stopped (push rejected, deployment failed without rollback, timeout).
 */
public record DeployResult(String service, String environment, String version, Result result, String deploymentId,
                           String reason, Duration duration) {
    public enum Result { SUCCEEDED, ROLLED_BACK, FAILED }

    public boolean succeeded() {
        return result == Result.SUCCEEDED;
    }
}
