package dev.preflight.iam;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.ContainerCredentialsProvider;

/** The endpoint as the AWS SDK's own container credentials provider reads it, and what it refuses. */
class TaskCredentialsEndpointTest {
    private static final String ROLE = "arn:aws:iam::123456789012:role/shop-dev-api-task";

    @Test
    void theSdkGetsTheTaskRolesCredentialsAndTheFrontKnowsTheTaskByThem() {
        try (TaskCredentialsEndpoint endpoint = TaskCredentialsEndpoint.start()) {
            Map<String, String> env = endpoint.issue("task-1", "shop-dev-api", ROLE);
            assertThat(env).containsOnlyKeys("AWS_CONTAINER_CREDENTIALS_FULL_URI", "AWS_CONTAINER_AUTHORIZATION_TOKEN");
            AwsCredentials credentials = withProperties(env, () -> {
                try (ContainerCredentialsProvider provider = ContainerCredentialsProvider.builder().build()) {
                    return provider.resolveCredentials();
                }
            });
            assertThat(credentials).isInstanceOf(AwsSessionCredentials.class);
            assertThat(credentials.accessKeyId()).startsWith("ASIA");
            TaskIdentity identity = endpoint.identity(credentials.accessKeyId()).orElseThrow();
            assertThat(identity.taskId()).isEqualTo("task-1");
            assertThat(identity.roleName()).isEqualTo("shop-dev-api-task");
            assertThat(identity.callerArn()).isEqualTo("arn:aws:sts::123456789012:assumed-role/shop-dev-api-task/task-1");
            assertThat(((AwsSessionCredentials) credentials).sessionToken()).isEqualTo(identity.sessionToken());
            Map<String, String> other = endpoint.issue("task-2", "shop-dev-api", ROLE);
            assertThat(other.get("AWS_CONTAINER_CREDENTIALS_FULL_URI")).as("each task its own").isNotEqualTo(env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI"));
        }
    }

    @Test
    void refusesAnotherTokenAndAnUnknownPath() throws Exception {
        try (TaskCredentialsEndpoint endpoint = TaskCredentialsEndpoint.start()) {
            URI uri = URI.create(endpoint.issue("task-1", "shop-dev-api", ROLE).get("AWS_CONTAINER_CREDENTIALS_FULL_URI"));
            HttpClient http = HttpClient.newHttpClient();
            assertThat(http.send(HttpRequest.newBuilder(uri).header("Authorization", "wrong").build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode()).isEqualTo(401);
            assertThat(http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
            assertThat(http.send(HttpRequest.newBuilder(uri.resolve("/v2/credentials/none")).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode()).isEqualTo(404);
        }
    }

    /** The SDK reads the variables' system-property twins (aws.containerCredentialsFullUri, aws.containerAuthorizationToken). */
    private static <T> T withProperties(Map<String, String> env, java.util.function.Supplier<T> body) {
        System.setProperty("aws.containerCredentialsFullUri", env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI"));
        System.setProperty("aws.containerAuthorizationToken", env.get("AWS_CONTAINER_AUTHORIZATION_TOKEN"));
        try {
            return body.get();
        } finally {
            System.clearProperty("aws.containerCredentialsFullUri");
            System.clearProperty("aws.containerAuthorizationToken");
        }
    }
}
