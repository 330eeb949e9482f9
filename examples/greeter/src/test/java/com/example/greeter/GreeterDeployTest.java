package com.example.greeter;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.deploy.DeployResult;
import dev.preflight.junit.PreflightEnvironment;
import dev.preflight.junit.WithOverlay;
import dev.preflight.running.RunningEnvironment;
import dev.preflight.traffic.LoadProfile;
import dev.preflight.traffic.LoadRun;
import dev.preflight.traffic.LoadSummary;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The greeter's deploys, tested before they reach AWS: a new version rolls out under load without a
 * failed request, and the same rollout without a deregistration delay is caught cutting requests.
 * Each test gets its own copy of dev (preflight/), built from the greeter's Dockerfile (service/).
 */
@PreflightEnvironment("dev")
class GreeterDeployTest {
    private static final Map<String, String> SLOW = Map.of("GREETER_DELAY_MS", "300");

    @Test
    void aNewVersionRollsOutUnderLoadWithoutAFailedRequest(@PreflightEnvironment(copy = true) RunningEnvironment env) {
        LoadSummary summary = rollOutUnderLoad(env);

        assertThat(summary.failed()).as("failed requests: %s", summary.describe()).isZero();
        // The greeter says nothing about its version: the load balancer's access log does.
        assertThat(summary.byVersion()).containsOnlyKeys("v1", "v2");
    }

    @Test
    @WithOverlay("loadBalancer: {targetGroups: {greeter: {deregistrationDelaySeconds: 0}}}")
    void withoutADeregistrationDelayTheRolloutCutsRequestsAndTheHarnessSaysSo(
            @PreflightEnvironment(copy = true) RunningEnvironment env) {
        LoadSummary summary = rollOutUnderLoad(env);

        assertThat(summary.byStatus()).as("requests cut by the load balancer: %s", summary.describe()).containsKey(502);
    }

    private static LoadSummary rollOutUnderLoad(RunningEnvironment env) {
        assertThat(env.pipeline().deploy("greeter", "v1", SLOW, Duration.ofMinutes(2)).succeeded()).isTrue();
        try (LoadRun load = env.load(LoadProfile.of(40, Duration.ofSeconds(20)))) {
            DeployResult v2 = env.pipeline().deploy("greeter", "v2", SLOW, Duration.ofMinutes(2));
            load.awaitCompletion(Duration.ofSeconds(60));
            assertThat(v2.succeeded()).as(v2.toString()).isTrue();
            return load.summary();
        }
    }
}
