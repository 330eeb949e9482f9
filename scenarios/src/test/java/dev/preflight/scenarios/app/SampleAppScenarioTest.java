package dev.preflight.scenarios.app;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.preflight.engine.LocalPorts;
import dev.preflight.environment.Environment;
import dev.preflight.junit.PreflightEnvironment;
import dev.preflight.provision.DatabaseSecret;
import dev.preflight.runtime.ContainerEnvironment;
import dev.preflight.runtime.LocalProcess;
import dev.preflight.runtime.SecretResolver;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;

/**
 * The sample app, started as the api task would be (its task definition's environment, its
 * secrets resolved from Secrets Manager), reaches the real database, cache, bucket and secret.
 */
@PreflightEnvironment("dev")
class SampleAppScenarioTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void apiTaskReachesItsDatabaseCacheBucketAndSecret(Environment env) throws Exception {
        String taskDefinition = env.outputs().require("taskDefinition", "api");
        ContainerDefinition container = env.aws().ecs().describeTaskDefinition(r -> r.taskDefinition(taskDefinition))
                .taskDefinition().containerDefinitions().get(0);
        int port = LocalPorts.freePort();
        Map<String, String> variables = new java.util.HashMap<>(
                ContainerEnvironment.of(container, new SecretResolver(env.aws().secrets()), env.aws(), port));
        variables.put("APP_VERSION", "v1");
        Path log = Files.createTempFile(env.engines().runDir(), "api-task-", ".log");
        String java = ProcessHandle.current().info().command().orElse("java");
        try (LocalProcess app = LocalProcess.start("api", List.of(java, "-jar", appJar()), variables, log, env.engines().ledger())) {
            exercise(env, app, port, log);
        } catch (AssertionError | Exception e) {
            // The task's own log says why it failed; it lives in the run folder, which is removed at the end.
            throw new AssertionError(e.getMessage() + "\n--- api task log ---\n" + Files.readString(log), e);
        }
    }

    private static void exercise(Environment env, LocalProcess app, int port, Path log) throws Exception {
        {
            URI base = URI.create("http://127.0.0.1:" + port);
            await("sample app health on " + base).atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .until(() -> app.isAlive() && status(get(base, "/health")) == 200);

            DatabaseSecret database = env.database("app-db");
            HttpResponse<String> db = get(base, "/db");
            assertThat(db.statusCode()).as("GET /db: %s", db.body()).isEqualTo(200);
            assertThat(db.body()).contains("\"user\":\"" + database.username() + "\"").contains(database.dbname());
            HttpResponse<String> insert = send(base, "/db/items", "POST", "hello");
            assertThat(insert.statusCode()).as("POST /db/items: %s", insert.body()).isEqualTo(201);

            HttpResponse<String> cache = get(base, "/cache");
            assertThat(cache.statusCode()).as("GET /cache: %s", cache.body()).isEqualTo(200);
            assertThat(send(base, "/cache/greeting", "PUT", "hi").statusCode()).isLessThan(300);
            try (redis.clients.jedis.Jedis jedis = new redis.clients.jedis.Jedis(URI.create(env.redisUrl("sessions")))) {
                assertThat(jedis.get("greeting")).as("value written through the app, read from the real Redis").isEqualTo("hi");
            }

            HttpResponse<String> media = send(base, "/media/hello.txt", "PUT", "media body");
            assertThat(media.statusCode()).as("PUT /media: %s", media.body()).isEqualTo(201);
            String stored = env.aws().s3().getObjectAsBytes(r -> r.bucket(env.bucket("media")).key("hello.txt")).asUtf8String();
            assertThat(stored).as("object written by the app, read back through S3").isEqualTo("media body");

            HttpResponse<String> secret = get(base, "/secret");
            String appKey = env.secretValue("app-key");
            assertThat(secret.body()).contains("\"appKeyPresent\":true").contains(sha256(appKey)).doesNotContain(appKey);
            assertThat(Files.readString(log)).as("the task's log never shows a secret")
                    .doesNotContain(appKey).doesNotContain(database.password());
        }
    }

    private static String appJar() {
        String jar = System.getProperty("preflight.app.jar", "../fixtures/app/target/sample-app.jar");
        assertThat(Path.of(jar)).as("the sample app is built by the Maven reactor before the scenarios").exists();
        return jar;
    }

    private static HttpResponse<String> get(URI base, String path) throws IOException, InterruptedException {
        return send(base, path, "GET", null);
    }

    private static int status(HttpResponse<String> response) {
        return response.statusCode();
    }

    private static HttpResponse<String> send(URI base, String path, String method, String body) throws IOException, InterruptedException {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body);
        return HTTP.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30)).method(method, publisher).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String sha256(String value) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
    }
}
