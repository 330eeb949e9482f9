package dev.preflight.scenarios.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.preflight.ecs.EcsTask;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Looks at one running task from the outside: its HTTP API directly on its port (not through the
 * load balancer), and the environment its process was started with ({@code /proc/<pid>/environ},
 * what ECS handed the container). Secret values are compared by SHA-256 so an assertion message
 * never prints one.
 */
final class TaskProbe {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TaskProbe() {
    }

    record Answer(int status, String body) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + body, e);
            }
        }
    }

    /** GET {@code path} of the task itself, e.g. /api/db. */
    static Answer get(EcsTask task, String path, Duration timeout) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + task.port() + path))
                    .timeout(timeout).build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException("GET " + path + " of task " + task.taskId() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** The database user the task logs in as (GET /api/db answers current_user). */
    static String databaseUser(EcsTask task) {
        Answer a = get(task, "/api/db", Duration.ofSeconds(10));
        if (a.status() != 200) {
            throw new AssertionError("GET /api/db of task " + task.taskId() + " answered " + a.status() + ": " + a.body());
        }
        return a.json().path("user").asText();
    }

    /** The environment the task's process was started with. */
    static Map<String, String> environment(EcsTask task) {
        Path environ = Path.of("/proc", Long.toString(task.process().pid()), "environ");
        byte[] raw;
        try {
            raw = Files.readAllBytes(environ);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + environ + " of task " + task.taskId(), e);
        }
        Map<String, String> env = new LinkedHashMap<>();
        for (String entry : new String(raw, StandardCharsets.UTF_8).split("\0")) {
            int eq = entry.indexOf('=');
            if (eq > 0) {
                env.put(entry.substring(0, eq), entry.substring(eq + 1));
            }
        }
        return env;
    }

    /** A fingerprint to compare secret values in assertions without printing them. */
    static String sha256(String value) {
        if (value == null) {
            return "(absent)";
        }
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(value.getBytes(StandardCharsets.UTF_8))).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
