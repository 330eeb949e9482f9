package dev.preflight.scenarios.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.preflight.deploy.DeployResult;
import dev.preflight.ecs.ServiceEvent;
import dev.preflight.engine.Engines;
import dev.preflight.junit.PreflightEnvironment;
import dev.preflight.running.RunningEnvironment;
import dev.preflight.topology.DeploymentConfiguration;
import dev.preflight.topology.Overlay;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What stops a pipeline: an immutable tag pushed again; a deployment configuration that cannot progress. */
@PreflightEnvironment
class DeploymentGuardsTest {

    @Test
    void rePushingAnExistingTagToAnImmutableRepositoryFailsThePipeline(Engines engines) {
        try (RunningEnvironment env = RunningEnvironment.of("dev").withProject("immutable")
                .withOverlay(Overlay.yaml("immutable-tags", "ecr: {repositories: {api: {imageTagMutability: IMMUTABLE}}}"))
                .start(engines)) {
            assertThat(env.pipeline().deploy("api", "v1").result()).isEqualTo(DeployResult.Result.SUCCEEDED);

            // Same tag, different image (another build of "v1"): AWS refuses it in an IMMUTABLE repository.
            DeployResult again = env.pipeline().deploy("api", "v1", Map.of("BUILD", "2"), Duration.ofMinutes(1));

            assertThat(again.result()).isEqualTo(DeployResult.Result.FAILED);
            assertThat(again.reason()).contains("push rejected").contains("immutable-dev/api").contains("v1")
                    .contains("Fix: push a new tag");
            List<JsonNode> notes = env.webhook().payloads();
            assertThat(notes).extracting(n -> n.get("result").asText()).containsExactly("SUCCEEDED", "FAILED");
            assertThat(env.runtime().service("api").primary().orElseThrow().version()).as("still serving").isEqualTo("v1");
        }
    }

    @Test
    void aConfigurationThatCanNeitherStartNorStopTasksIsReportedInEcsWords(Engines engines) {
        // The validator rejects 100 / 100 in a topology file; here it is forced to watch ECS's reaction.
        try (RunningEnvironment env = RunningEnvironment.of("dev").withProject("stuck")
                .withUnvalidatedEdit(t -> t.withService("api", s -> s.withDeployment(new DeploymentConfiguration(100, 100, s.deployment().circuitBreaker()))))
                .start(engines)) {
            env.desiredCount("api", 2);
            assertThat(env.pipeline().deploy("api", "v1").result()).isEqualTo(DeployResult.Result.SUCCEEDED);

            DeployResult v2 = env.pipeline().deploy("api", "v2", Map.of(), Duration.ofSeconds(15));

            assertThat(v2.result()).isEqualTo(DeployResult.Result.FAILED);
            assertThat(v2.reason()).contains("no steady state");
            assertThat(env.runtime().service("api").events()).extracting(ServiceEvent::message)
                    .anyMatch(m -> m.contains("unable to stop or start tasks during a deployment because of the service deployment configuration"));
            assertThat(env.runtime().service("api").runningTasks()).as("the old tasks keep serving").hasSize(2)
                    .allMatch(t -> t.version().equals("v1"));
        }
    }
}
