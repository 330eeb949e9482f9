package dev.preflight.scenarios.junit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.deploy.DeployResult;
import dev.preflight.environment.Environment;
import dev.preflight.junit.PreflightEnvironment;
import dev.preflight.junit.WithOverlay;
import dev.preflight.running.RunningEnvironment;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** What the JUnit extension hands a test: the shared environment with its data plane, or a private copy with overlays. */
@PreflightEnvironment
class RunningEnvironmentParameterTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void theSharedRunningEnvironmentRunsOnTheSharedEnvironment(@PreflightEnvironment RunningEnvironment running, Environment shared)
            throws Exception {
        assertThat(running.environment()).isSameAs(shared);
        assertThat(get(running.loadBalancer().resolve("/")).statusCode()).as("the load balancer listens; no task is registered yet")
                .isEqualTo(503);
    }

    @Test
    @WithOverlay("loadBalancer: {targetGroups: {api: {deregistrationDelaySeconds: 7}}}")
    @WithOverlay("ecs: {services: {api: {desiredCount: 2}}}")
    void aPrivateCopyHasItsOwnNameAndTheTestsOverlays(@PreflightEnvironment(copy = true) RunningEnvironment copy, Environment shared)
            throws Exception {
        assertThat(copy.environment()).isNotSameAs(shared);
        assertThat(copy.environment().topology().project()).matches("t[0-9a-f]{8}");
        assertThat(copy.environment().topology().loadBalancer().targetGroups().get("api").deregistrationDelaySeconds()).isEqualTo(7);
        assertThat(copy.environment().topology().ecs().services().get("api").desiredCount()).isEqualTo(2);

        DeployResult v1 = copy.pipeline().deploy("api", "v1");

        assertThat(v1.succeeded()).as(v1.toString()).isTrue();
        assertThat(copy.service("api").runningTasks()).hasSize(2);
        assertThat(get(copy.loadBalancer().resolve("/api/version")).body()).contains("v1");
    }

    private static HttpResponse<String> get(URI uri) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    }
}
