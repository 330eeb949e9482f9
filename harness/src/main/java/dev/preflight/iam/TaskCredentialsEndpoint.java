package dev.preflight.iam;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;

/**
 * The container credentials endpoint ECS serves its tasks, served by the harness on 127.0.0.1: each
 * task gets its own URL and token ({@code AWS_CONTAINER_CREDENTIALS_FULL_URI},
 * {@code AWS_CONTAINER_AUTHORIZATION_TOKEN}, which every AWS SDK's default chain reads) and, there,
 * temporary credentials of its own for its task role. A request without the task's token is refused
 * (401), as is a URL no task was given (404). A task without a task role gets no endpoint: on ECS its
 * SDK finds no credentials either.
 */
public final class TaskCredentialsEndpoint implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String PATH = "/v2/credentials/";
    /** ECS hands out credentials for six hours and renews them before they expire. */
    private static final Duration LIFETIME = Duration.ofHours(6);

    private record Issued(TaskIdentity identity, String token) {
    }

    private final HttpServer server;
    private final Map<String, Issued> byPath = new ConcurrentHashMap<>();
    private final Map<String, TaskIdentity> byAccessKey = new ConcurrentHashMap<>();

    private TaskCredentialsEndpoint(HttpServer server) {
        this.server = server;
    }

    public static TaskCredentialsEndpoint start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            TaskCredentialsEndpoint endpoint = new TaskCredentialsEndpoint(server);
            server.createContext("/", endpoint::serve);
            server.setExecutor(Executors.newFixedThreadPool(2, r -> {
                Thread t = new Thread(r, "task-credentials");
                t.setDaemon(true);
                return t;
            }));
            server.start();
            return endpoint;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the task credentials endpoint on 127.0.0.1: " + e.getMessage(), e);
        }
    }

    /**
     * New credentials for a task's role, and the environment variables that lead the task's SDK to
     * them.
     */
    public Map<String, String> issue(String taskId, String family, String roleArn) {
        String roleName = roleArn.substring(roleArn.lastIndexOf('/') + 1);
        TaskIdentity identity = new TaskIdentity(taskId, family, roleName, roleArn, "ASIA" + random(16, UPPER),
                random(40, MIXED), random(120, MIXED));
        String path = PATH + random(32, LOWER);
        String token = random(32, MIXED);
        byPath.put(path, new Issued(identity, token));
        byAccessKey.put(identity.accessKeyId(), identity);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("AWS_CONTAINER_CREDENTIALS_FULL_URI", "http://127.0.0.1:" + server.getAddress().getPort() + path);
        env.put("AWS_CONTAINER_AUTHORIZATION_TOKEN", token);
        return env;
    }

    /** The task whose credentials carry this access key id, if any. */
    public Optional<TaskIdentity> identity(String accessKeyId) {
        return accessKeyId == null ? Optional.empty() : Optional.ofNullable(byAccessKey.get(accessKeyId));
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            Issued issued = byPath.get(exchange.getRequestURI().getPath());
            if (issued == null) {
                reply(exchange, 404, Map.of("message", "no task was given " + exchange.getRequestURI().getPath()));
            } else if (!issued.token().equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                reply(exchange, 401, Map.of("message", "the Authorization header must be the task's AWS_CONTAINER_AUTHORIZATION_TOKEN"));
            } else {
                TaskIdentity id = issued.identity();
                Map<String, String> body = new LinkedHashMap<>();
                body.put("RoleArn", id.roleArn());
                body.put("AccessKeyId", id.accessKeyId());
                body.put("SecretAccessKey", id.secretAccessKey());
                body.put("Token", id.sessionToken());
                body.put("Expiration", Instant.now().plus(LIFETIME).truncatedTo(ChronoUnit.SECONDS).toString());
                reply(exchange, 200, body);
            }
        }
    }

    private static void reply(HttpExchange exchange, int status, Map<String, String> body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static final String UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    private static final String LOWER = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static final String MIXED = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    private static String random(int length, String alphabet) {
        StringBuilder s = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            s.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return s.toString();
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
