package dev.preflight.scenarios.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.deploy.DeployResult;
import dev.preflight.engine.Engines;
import dev.preflight.junit.PreflightEnvironment;
import dev.preflight.running.RunningEnvironment;
import dev.preflight.topology.Overlay;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pipeline builds what the repository's Dockerfile says; one that needs RUN fails the deploy with one message. */
@PreflightEnvironment
class DockerfileBuildTest {

    @Test
    void aDockerfileThatNeedsRunFailsThePipelineWithOneMessageAndPushesNothing(Engines engines, @TempDir Path dir) throws IOException {
        Path context = dir.resolve("web");
        Files.createDirectories(context);
        Files.writeString(context.resolve("package.json"), "{\"name\": \"web\"}");
        Files.writeString(context.resolve("Dockerfile"), """
                FROM node:20-alpine
                WORKDIR /srv
                COPY package.json ./
                RUN npm ci --omit=dev
                COPY . .
                CMD ["node", "server.js"]
                """);
        try (RunningEnvironment env = RunningEnvironment.of("dev").withProject("runbuild")
                .withOverlay(Overlay.yaml("run-in-dockerfile", "ecr: {repositories: {api: {build: {context: \"" + context + "\"}}}}"))
                .start(engines)) {
            DeployResult result = env.pipeline().deploy("api", "v1");

            assertThat(result.result()).isEqualTo(DeployResult.Result.FAILED);
            assertThat(result.reason()).startsWith("image build failed: " + context.resolve("Dockerfile")
                            + ":4: RUN is not executed without Docker: 'RUN npm ci --omit=dev'")
                    .contains("Fix: build the artifact first with the project's own build").contains("or build this repository with the process form");
            assertThat(env.webhook().payloads()).extracting(n -> n.get("result").asText()).containsExactly("FAILED");
            String repository = env.environment().topology().naming().ecrRepository("api");
            assertThat(env.environment().aws().ecr().listImages(r -> r.repositoryName(repository)).imageIds()).as("nothing pushed").isEmpty();
        }
    }
}
