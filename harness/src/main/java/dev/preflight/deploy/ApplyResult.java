package dev.preflight.deploy;

import dev.preflight.provision.ProvisionResult;
import java.time.Duration;
import java.util.Map;

/**
 * How an infrastructure apply of the pipeline ended: what provisioning changed, and for each service
 * whose task definition it changed, the rollout ECS ran (the running image with the new settings).
 */
public record ApplyResult(ProvisionResult provision, Map<String, DeployResult> rollouts, Duration duration) {
    public ApplyResult {
        rollouts = Map.copyOf(rollouts);
    }

    /** True when every rollout the apply started reached steady state. */
    public boolean succeeded() {
        return rollouts.values().stream().allMatch(DeployResult::succeeded);
    }
}
