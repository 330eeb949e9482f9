package dev.preflight.scenarios.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.deploy.DeployResult;
import dev.preflight.ecs.EcsTask;
import dev.preflight.environment.Environment;
import dev.preflight.junit.PreflightEnvironment;
import dev.preflight.provision.DatabaseSecret;
import dev.preflight.running.RunningEnvironment;
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
import org.junit.jupiter.api.Test;

/**
 * The sample app, deployed as the api service and started by the runtime as ECS starts a task (its
 * task definition's environment, its secrets resolved from Secrets Manager), reaches the real
 * database, cache, bucket and secret; asked through the load balancer's /api rule.
 */
@PreflightEnvironment("dev")
class SampleAppScenarioTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void apiTaskReachesItsDatabaseCacheBucketAndSecret(@PreflightEnvironment(copy = true) RunningEnvironment running) throws Exception {
        DeployResult v1 = running.pipeline().deploy("api", "v1");
        assertThat(v1.succeeded()).as(v1.toString()).isTrue();
        EcsTask task = running.service("api").runningTasks().get(0);
        Path log = task.process().localLog();
        try {
            exercise(running.environment(), URI.create(running.loadBalancer() + "/api"), log);
        } catch (AssertionError | Exception e) {
            // The task's own log says why it failed; it lives in the run folder, which is removed at the end.
            throw new AssertionError(e.getMessage() + "\n--- api task log ---\n" + Files.readString(log), e);
        }
    }

    private static void exercise(Environment env, URI api, Path log) throws Exception {
        DatabaseSecret database = env.database("app-db");
        HttpResponse<String> db = get(api, "/db");
        assertThat(db.statusCode()).as("GET /db: %s", db.body()).isEqualTo(200);
        assertThat(db.body()).contains("\"user\":\"" + database.username() + "\"").contains(database.dbname());
        HttpResponse<String> insert = send(api, "/db/items", "POST", "hello");
        assertThat(insert.statusCode()).as("POST /db/items: %s", insert.body()).isEqualTo(201);

        HttpResponse<String> cache = get(api, "/cache");
        assertThat(cache.statusCode()).as("GET /cache: %s", cache.body()).isEqualTo(200);
        assertThat(send(api, "/cache/greeting", "PUT", "hi").statusCode()).isLessThan(300);
        try (redis.clients.jedis.Jedis jedis = new redis.clients.jedis.Jedis(URI.create(env.redisUrl("sessions")))) {
            assertThat(jedis.get("greeting")).as("value written through the app, read from the real Redis").isEqualTo("hi");
        }

        HttpResponse<String> media = send(api, "/media/hello.txt", "PUT", "media body");
        assertThat(media.statusCode()).as("PUT /media: %s", media.body()).isEqualTo(201);
        String stored = env.aws().s3().getObjectAsBytes(r -> r.bucket(env.bucket("media")).key("hello.txt")).asUtf8String();
        assertThat(stored).as("object written by the app, read back through S3").isEqualTo("media body");

        HttpResponse<String> secret = get(api, "/secret");
        String appKey = env.secretValue("app-key");
        assertThat(secret.body()).contains("\"appKeyPresent\":true").contains(sha256(appKey)).doesNotContain(appKey);
        String logged = Files.readString(log);
        assertThat(logged).as("the task's log never shows a secret")
                .doesNotContain(appKey).doesNotContain(database.password());
        assertThat(logged.indexOf("database warmed up")).as("the database query ran before the server listened, in:%n%s", logged)
                .isNotNegative().isLessThan(logged.indexOf(" listening on "));
    }

    private static HttpResponse<String> get(URI base, String path) throws IOException, InterruptedException {
        return send(base, path, "GET", null);
    }

    private static HttpResponse<String> send(URI base, String path, String method, String body) throws IOException, InterruptedException {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body);
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30)).method(method, publisher).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String sha256(String value) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
    }
}
