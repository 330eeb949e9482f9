package dev.preflight.ecs;

import com.sun.net.httpserver.HttpServer;
import dev.preflight.image.Image;
import dev.preflight.image.ImageConfig;
import dev.preflight.runtime.RunningTask;
import dev.preflight.runtime.TaskSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.PortMapping;

/**
 * Tasks for the scheduler's tests: each a real HTTP server on 127.0.0.1 inside this JVM, so the
 * load balancer checks and routes to it for real, started by task definition "arn:...:td/<kind>":
 * {@code good} answers 200, {@code bad} answers /health with 500, {@code crash} exits at once
 * (code 1). {@link #allBad} turns every later task bad, a release that breaks even its rollback.
 * The scheduler's rules are under test here; the scenarios run real processes.
 */
final class InProcessTasks implements TaskStarter, AutoCloseable {
    private static final Image IMAGE = new Image("sha256:" + "0".repeat(64), "{}", "application/vnd.oci.image.manifest.v1+json",
            List.of(), ImageConfig.of(List.of("none"), Map.of()), null);

    final List<Task> started = new CopyOnWriteArrayList<>();
    volatile boolean allBad;

    static String definition(String kind) {
        return "arn:aws:ecs:eu-west-1:123456789012:task-definition/td/" + kind;
    }

    @Override
    public RunningTask launch(String taskId, String clusterName, String taskDefinitionArn) {
        String kind = allBad ? "bad" : version(taskDefinitionArn);
        Task task = new Task(taskId, taskDefinitionArn, kind);
        started.add(task);
        return task;
    }

    @Override
    public ContainerDefinition container(String taskDefinitionArn) {
        return ContainerDefinition.builder().name("app").portMappings(PortMapping.builder().containerPort(8080).build()).build();
    }

    @Override
    public String version(String taskDefinitionArn) {
        return taskDefinitionArn.substring(taskDefinitionArn.lastIndexOf('/') + 1);
    }

    @Override
    public void close() {
        started.forEach(Task::kill);
    }

    /** One task: a JDK HttpServer; stop() ends it (exit 0), kill() too (137). */
    static final class Task implements RunningTask {
        private final TaskSpec spec;
        private final HttpServer server;
        private final Instant startedAt = Instant.now();
        private final CompletableFuture<Integer> exit = new CompletableFuture<>();
        volatile int healthStatus;

        Task(String taskId, String definition, String kind) {
            this.healthStatus = kind.equals("bad") ? 500 : 200;
            try {
                server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            server.createContext("/", exchange -> {
                int status = exchange.getRequestURI().getPath().equals("/health") ? healthStatus : 200;
                byte[] body = taskId.getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(status, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
            this.spec = new TaskSpec(taskId, definition, "app", IMAGE, Map.of(), server.getAddress().getPort(),
                    Duration.ofSeconds(2), null, null);
            if (kind.equals("crash")) {
                end(1);
            }
        }

        private void end(int code) {
            if (!exit.isDone()) {
                server.stop(0);
                exit.complete(code);
            }
        }

        /** Health checks run on this machine, as for a process task. */
        @Override
        public int exec(java.util.List<String> command, java.time.Duration timeout) {
            return dev.preflight.runtime.HostCommand.run(command, timeout);
        }

        @Override
        public String taskId() {
            return spec.taskId();
        }

        @Override
        public TaskSpec spec() {
            return spec;
        }

        @Override
        public Instant startedAt() {
            return startedAt;
        }

        @Override
        public int port() {
            return spec.port();
        }

        @Override
        public long pid() {
            return ProcessHandle.current().pid();
        }

        @Override
        public boolean isAlive() {
            return !exit.isDone();
        }

        @Override
        public OptionalInt exitCode() {
            return exit.isDone() ? OptionalInt.of(exit.join()) : OptionalInt.empty();
        }

        @Override
        public CompletableFuture<Integer> stop() {
            end(0);
            return exit.copy();
        }

        @Override
        public void kill() {
            end(137);
        }

        @Override
        public CompletableFuture<Integer> onExit() {
            return exit.copy();
        }

        @Override
        public Path localLog() {
            return Path.of("none");
        }

        @Override
        public boolean stoppedBySigkill() {
            return false;
        }
    }
}
