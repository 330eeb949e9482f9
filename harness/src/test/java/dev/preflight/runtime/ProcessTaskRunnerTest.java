package dev.preflight.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.preflight.engine.ProcessLedger;
import dev.preflight.image.Image;
import dev.preflight.image.ImageBuilder;
import dev.preflight.image.ImageConfig;
import dev.preflight.image.ImageSource;
import dev.preflight.image.ImageStore;
import dev.preflight.image.TestImages;
import dev.preflight.image.TestJars;
import dev.preflight.image.TestMotoServer;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.cloudwatchlogs.model.OutputLogEvent;

/** Tasks as real processes started from an image, their logs in a real moto_server's CloudWatch Logs. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProcessTaskRunnerTest {
    private static final String GROUP = "/ecs/preflight-test";
    private static final String DOCKERFILE = """
            FROM eclipse-temurin:17-jre
            WORKDIR /app
            COPY task.jar /app/task.jar
            ENV FROM_IMAGE=yes OVERRIDDEN=by-image
            ENTRYPOINT ["java", "-Xmx32m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-jar", "/app/task.jar"]
            """;

    private Path runDir;
    private TestMotoServer moto;
    private ProcessLedger ledger;
    private TaskLogShipper shipper;
    private ProcessTaskRunner runner;
    private ImageBuilder builder;
    private Image image;
    private final List<Long> started = new ArrayList<>();

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        runDir = tmp;
        moto = TestMotoServer.start();
        moto.aws().logs().createLogGroup(r -> r.logGroupName(GROUP));
        ledger = new ProcessLedger(tmp.resolve("ledger"));
        shipper = new TaskLogShipper(moto.aws().logs());
        runner = new ProcessTaskRunner(ledger, runDir, shipper);
        builder = new ImageBuilder(new ImageStore(tmp.resolve("images")));
        TestJars.runnable(tmp.resolve("context/task.jar"), TaskTestProgram.class);
        image = builder.build(TestImages.context(tmp.resolve("context"), DOCKERFILE, Map.of()), Map.of("APP_VERSION", "v1"));
    }

    @AfterAll
    void stop() {
        try {
            if (runner != null) {
                runner.close();
            }
        } finally {
            try {
                if (shipper != null) {
                    shipper.close();
                }
            } finally {
                started.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
                if (moto != null) {
                    moto.close();
                }
            }
        }
    }

    @Test
    void aTaskGetsTheImageEnvOverriddenByItsOwnAndItsOutputReachesCloudWatchLogsInOrder() throws Exception {
        TaskSpec spec = spec("env-1", Map.of("OVERRIDDEN", "by-task", "TEST_LINES", "150", "TEST_EXIT_CODE", "3"), Duration.ofSeconds(5), GROUP);
        RunningTask task = runner.start(spec);
        started.add(task.pid());

        assertThat(task.onExit().get(30, TimeUnit.SECONDS)).isEqualTo(3);
        assertThat(task.isAlive()).isFalse();
        assertThat(task.exitCode()).hasValue(3);

        List<String> local = Files.readAllLines(task.localLog());
        assertThat(local).contains("env OVERRIDDEN=by-task", "env FROM_IMAGE=yes", "env APP_VERSION=v1", "env PORT=" + spec.port(),
                "a line on stderr", "ready");
        Set<String> names = local.stream().filter(l -> l.startsWith("env ")).map(l -> l.substring(4, l.indexOf('='))).collect(Collectors.toSet());
        assertThat(names).as("nothing of the harness's environment but PATH and JAVA_HOME")
                .isSubsetOf("PATH", "JAVA_HOME", "APP_VERSION", "FROM_IMAGE", "OVERRIDDEN", "TEST_LINES", "TEST_EXIT_CODE", "PORT")
                .contains("PATH", "PORT");
        assertThat(task.localLog()).startsWith(runDir);

        // onExit completes after the last lines were shipped: no waiting needed.
        List<OutputLogEvent> events = events(spec.logStream());
        List<String> messages = events.stream().map(OutputLogEvent::message).toList();
        assertThat(messages.stream().filter(m -> m.startsWith("line ")).toList())
                .containsExactlyElementsOf(java.util.stream.IntStream.range(0, 150).mapToObj(i -> "line " + i).toList());
        assertThat(messages).hasSize(local.size()).contains("a line on stderr", "ready");
        assertThat(events).extracting(OutputLogEvent::timestamp).isSorted();
        assertThat(pidsInLedger()).doesNotContain(task.pid());
    }

    @Test
    void stopSendsSigtermAndTheProcessExitsCleanly() throws Exception {
        RunningTask task = runner.start(spec("stop-1", Map.of(), Duration.ofSeconds(20), GROUP));
        started.add(task.pid());
        awaitLine(task, "ready");
        assertThat(pidsInLedger()).contains(task.pid());
        assertThat(runner.tasks()).contains(task);

        long t0 = System.nanoTime();
        assertThat(task.stop().get(15, TimeUnit.SECONDS)).isEqualTo(0);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
        assertThat(task.stoppedBySigkill()).isFalse();
        assertThat(Files.readAllLines(task.localLog())).contains("SIGTERM received: stopping");
        assertThat(events(task.spec().logStream())).extracting(OutputLogEvent::message).contains("SIGTERM received: stopping");
        assertThat(pidsInLedger()).doesNotContain(task.pid());
        assertThat(runner.tasks()).doesNotContain(task);
        assertThat(task.stop().get(1, TimeUnit.SECONDS)).as("stopping again changes nothing").isEqualTo(0);
    }

    @Test
    void aProcessIgnoringSigtermIsKilledAfterItsStopTimeout() throws Exception {
        Duration stopTimeout = Duration.ofMillis(700);
        RunningTask task = runner.start(spec("stubborn-1", Map.of("TEST_IGNORE_SIGTERM", "true"), stopTimeout, GROUP));
        started.add(task.pid());
        awaitLine(task, "ready");

        long t0 = System.nanoTime();
        int code = task.stop().get(15, TimeUnit.SECONDS);
        Duration took = Duration.ofNanos(System.nanoTime() - t0);

        assertThat(code).isEqualTo(137);
        assertThat(took).isGreaterThanOrEqualTo(stopTimeout);
        assertThat(task.stoppedBySigkill()).isTrue();
        assertThat(Files.readAllLines(task.localLog())).contains("ignoring SIGTERM");
    }

    @Test
    void killIsACrashAndCompletesOnExit() throws Exception {
        RunningTask task = runner.start(spec("crash-1", Map.of(), Duration.ofSeconds(20), GROUP));
        started.add(task.pid());
        awaitLine(task, "ready");

        task.kill();

        assertThat(task.onExit().get(15, TimeUnit.SECONDS)).isEqualTo(137);
        assertThat(task.isAlive()).isFalse();
        assertThat(task.stoppedBySigkill()).as("only a stop that escalates counts").isFalse();
    }

    @Test
    void closeStopsEveryTaskAndLeavesNoProcess() throws Exception {
        ProcessTaskRunner own = new ProcessTaskRunner(ledger, runDir.resolve("close"), shipper);
        List<RunningTask> tasks = List.of(
                own.start(spec("close-1", Map.of(), Duration.ofSeconds(20), GROUP)),
                own.start(spec("close-2", Map.of("TEST_IGNORE_SIGTERM", "true"), Duration.ofMillis(500), GROUP)),
                own.start(spec("close-3", Map.of(), Duration.ofSeconds(20), null)));
        tasks.forEach(t -> started.add(t.pid()));
        for (RunningTask t : tasks) {
            awaitLine(t, "ready");
        }

        own.close();

        for (RunningTask t : tasks) {
            assertThat(ProcessHandle.of(t.pid()).map(ProcessHandle::isAlive).orElse(false)).as("pid %d of %s", t.pid(), t.taskId()).isFalse();
            assertThat(t.onExit()).isDone();
        }
        assertThat(ProcessHandle.current().descendants().map(ProcessHandle::pid).toList())
                .doesNotContainAnyElementsOf(tasks.stream().map(RunningTask::pid).toList());
        assertThat(tasks.get(1).stoppedBySigkill()).isTrue();
        assertThat(own.tasks()).isEmpty();
        assertThatThrownBy(() -> own.start(spec("after-close", Map.of(), Duration.ofSeconds(1), null)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
    }

    @Test
    void aMissingLogGroupNeverStopsTheTask() throws Exception {
        RunningTask task = runner.start(spec("nolog-1", Map.of("TEST_EXIT_CODE", "0"), Duration.ofSeconds(5), "/ecs/not-provisioned"));
        started.add(task.pid());

        assertThat(task.onExit().get(30, TimeUnit.SECONDS)).isEqualTo(0);
        assertThat(Files.readAllLines(task.localLog())).contains("ready");
    }

    @Test
    void aBadStartIsNamed() {
        Image broken = new Image(image.digest(), image.manifest(), image.manifestMediaType(), image.layers(),
                ImageConfig.of(List.of("no-such-program-xyz", "/app/task.jar"), Map.of()), "debian:12");
        assertThatThrownBy(() -> runner.start(spec("bad-1", Map.of(), Duration.ofSeconds(1), null, broken)))
                .isInstanceOf(TaskStartException.class)
                .hasMessageStartingWith("CannotStartContainerError: failed to start the container process: exec: \"no-such-program-xyz\": "
                        + "executable file not found in $PATH")
                .hasMessageContaining("FROM debian:12").hasMessageContaining("Fix: install no-such-program-xyz on this machine");
        assertThatThrownBy(() -> new TaskSpec("t", "arn", "web", image, Map.of(), 2, Duration.ZERO, null, null, -1, 512))
                .hasMessageContaining("cannot be negative");
        RunningTask[] first = new RunningTask[1];
        first[0] = runner.start(spec("dup-1", Map.of(), Duration.ofSeconds(5), null));
        started.add(first[0].pid());
        assertThatThrownBy(() -> runner.start(spec("dup-1", Map.of(), Duration.ofSeconds(5), null))).hasMessageContaining("already running");
        first[0].kill();
    }

    @Test
    void theEntrypointRunsThisJvmOnTheJarInTheImagesUnpackedRoot() {
        Path root = runner.root(image);
        List<String> command = ProcessCommand.of(image, root, System.getenv("PATH"));

        assertThat(command.get(0)).isEqualTo(ProcessHandle.current().info().command().orElseThrow());
        assertThat(command).endsWith("-jar", root.resolve("app/task.jar").toString());
        assertThat(root).startsWith(runDir);
        assertThat(root.resolve("app/task.jar")).exists();
        assertThat(runner.root(image)).as("unpacked once per image").isSameAs(root);
    }

    @Test
    void aNodeImageFromItsDockerfileAnswersOnItsPortAndStopsOnSigterm() throws Exception {
        Image node = builder.build(resourceContext("node"), Map.of("APP_VERSION", "v7"));
        RunningTask task = runner.start(spec("node-1", Map.of(), Duration.ofSeconds(10), GROUP, node));
        started.add(task.pid());
        awaitLine(task, "listening on " + task.port());

        assertThat(get(task.port(), "/")).isEqualTo("node hello-from-node v7 " + runner.root(node).resolve("srv"));
        assertThat(get(task.port(), "/health")).isEqualTo("ok");
        assertThat(task.stop().get(15, TimeUnit.SECONDS)).isEqualTo(0);
        assertThat(Files.readAllLines(task.localLog())).contains("SIGTERM received: stopping");
        assertThat(events(task.spec().logStream())).extracting(OutputLogEvent::message).contains("listening on " + task.port());
    }

    @Test
    void aPythonImageFromItsDockerfileAnswersOnItsPortAndStopsOnSigterm() throws Exception {
        Image python = builder.build(resourceContext("python"), Map.of("APP_VERSION", "v8"));
        assertThat(python.baseImage()).isEqualTo("python:3.12-slim");
        RunningTask task = runner.start(spec("python-1", Map.of(), Duration.ofSeconds(10), null, python));
        started.add(task.pid());
        awaitLine(task, "listening on " + task.port());

        assertThat(get(task.port(), "/")).isEqualTo("python hello-from-python v8 " + runner.root(python).resolve("app"));
        assertThat(task.stop().get(15, TimeUnit.SECONDS)).isEqualTo(0);
        assertThat(Files.readAllLines(task.localLog())).contains("SIGTERM received: stopping");
    }

    @Test
    void aShellFormCommandRunsUnderShAndTheWholeContainerEndsWithIt() throws Exception {
        Path context = runDir.resolve("shell-form");
        Files.createDirectories(context);
        Files.copy(resourceDir("node").resolve("server.js"), context.resolve("server.js"));
        Image image = builder.build(TestImages.context(context, "FROM node:20\nCOPY server.js /srv/\nCMD node /srv/server.js\n", Map.of()));
        assertThat(image.config().cmd()).containsExactly("/bin/sh", "-c", "node /srv/server.js");

        RunningTask task = runner.start(spec("shell-1", Map.of(), Duration.ofSeconds(10), null, image));
        started.add(task.pid());
        awaitLine(task, "listening on " + task.port());
        List<ProcessHandle> children = ProcessHandle.of(task.pid()).orElseThrow().descendants().toList();
        children.forEach(c -> started.add(c.pid()));

        task.stop().get(15, TimeUnit.SECONDS);
        for (ProcessHandle child : children) {
            assertThat(child.onExit().get(5, TimeUnit.SECONDS).isAlive()).as("pid %d outlived its sh", child.pid()).isFalse();
        }
    }

    @Test
    void imagePathsInTheCommandPointIntoTheRootAndANodeImageRunsAScriptWithNode() throws Exception {
        Image node = builder.build(resourceContext("node"));
        Path root = runner.root(node);
        ImageConfig config = new ImageConfig(List.of(), List.of("server.js", "--config=/srv/server.js", "/srv:/srv/*:/elsewhere", "/"),
                Map.of(), "/srv", null, List.of(), null, null, Map.of());
        Image scriptOnly = new Image(node.digest(), node.manifest(), node.manifestMediaType(), node.layers(), config, node.baseImage());

        List<String> command = ProcessCommand.of(scriptOnly, root, System.getenv("PATH"));

        assertThat(command).containsExactly(ProcessCommand.runtime(ProcessCommand.BaseRuntime.NODE, System.getenv("PATH")).orElseThrow(),
                "server.js", "--config=" + root.resolve("srv/server.js"), root.resolve("srv") + ":" + root.resolve("srv") + "/*:/elsewhere", "/");
        assertThat(ProcessCommand.of(new Image(node.digest(), node.manifest(), node.manifestMediaType(), node.layers(),
                ImageConfig.of(List.of("/bin/sh", "-c", "exec node /srv/server.js --data /var/lib/x"), Map.of()), null), root, "/usr/bin:/bin"))
                .containsExactly("/bin/sh", "-c", "exec node " + root.resolve("srv/server.js") + " --data /var/lib/x");
    }

    @Test
    void aMissingRuntimeIsNamedWithTheFix() throws Exception {
        Image node = builder.build(resourceContext("node"));
        Path root = runner.root(node);

        assertThatThrownBy(() -> ProcessCommand.of(node, root, "/nonexistent"))
                .isInstanceOf(TaskStartException.class)
                .hasMessageStartingWith("CannotStartContainerError: FROM node:20-alpine runs on node, which is not on this machine's PATH (/nonexistent)")
                .hasMessageContaining("Fix: install Node.js");
        Image python = builder.build(resourceContext("python"));
        assertThatThrownBy(() -> ProcessCommand.of(python, runner.root(python), "/nonexistent"))
                .hasMessageContaining("FROM python:3.12-slim runs on python3").hasMessageContaining("Fix: install Python 3");
        assertThat(ProcessCommand.impliedBy("public.ecr.aws/docker/library/node:20@sha256:" + "a".repeat(64)))
                .contains(ProcessCommand.BaseRuntime.NODE);
        assertThat(ProcessCommand.impliedBy("amazoncorretto:17")).contains(ProcessCommand.BaseRuntime.JAVA);
        assertThat(ProcessCommand.impliedBy("gcr.io/distroless/java17-debian12")).contains(ProcessCommand.BaseRuntime.JAVA);
        assertThat(ProcessCommand.impliedBy("gcr.io/distroless/nodejs20-debian12")).contains(ProcessCommand.BaseRuntime.NODE);
        assertThat(ProcessCommand.impliedBy("nginx:1.27")).isEmpty();
        assertThat(ProcessCommand.impliedBy("example/javalin-app:1")).as("a name that only starts with java").isEmpty();
    }

    private TaskSpec spec(String taskId, Map<String, String> env, Duration stopTimeout, String group) {
        return spec(taskId, env, stopTimeout, group, image);
    }

    private TaskSpec spec(String taskId, Map<String, String> env, Duration stopTimeout, String group, Image image) {
        int port = freePort();
        Map<String, String> environment = new HashMap<>(env);
        environment.put("PORT", Integer.toString(port));
        return new TaskSpec(taskId, "arn:aws:ecs:us-east-1:123456789012:task-definition/app:1", "web", image, environment, port,
                stopTimeout, group, group == null ? null : TaskSpec.awslogsStream("app", "web", taskId));
    }

    private static Path resourceDir(String name) {
        try {
            return Path.of(ProcessTaskRunnerTest.class.getResource("/images/" + name).toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ImageSource resourceContext(String name) {
        return new ImageSource.FromDockerfile(resourceDir(name).resolve("Dockerfile"), resourceDir(name));
    }

    private static String get(int port, String path) throws Exception {
        var client = java.net.http.HttpClient.newHttpClient();
        var response = client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port + path)).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private List<OutputLogEvent> events(String stream) {
        return moto.aws().logs().getLogEvents(r -> r.logGroupName(GROUP).logStreamName(stream).startFromHead(true)).events();
    }

    private List<Long> pidsInLedger() throws IOException {
        Path file = runDir.resolve("ledger").resolve(ProcessHandle.current().pid() + ".json");
        List<Long> pids = new ArrayList<>();
        new ObjectMapper().readTree(file.toFile()).path("processes").forEach(p -> pids.add(p.path("pid").asLong()));
        return pids;
    }

    private static void awaitLine(RunningTask task, String line) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            if (Files.exists(task.localLog()) && Files.readAllLines(task.localLog()).contains(line)) {
                return;
            }
            if (!task.isAlive()) {
                throw new AssertionError(task.taskId() + " exited with " + task.exitCode() + " before printing '" + line + "'");
            }
            Thread.sleep(25);
        }
        throw new AssertionError(task.taskId() + " did not print '" + line + "' within 20 s");
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
