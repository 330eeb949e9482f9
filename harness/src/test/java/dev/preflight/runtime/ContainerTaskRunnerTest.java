package dev.preflight.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.preflight.engine.ContainerNetwork;
import dev.preflight.engine.DockerAvailability;
import dev.preflight.engine.ProcessLedger;
import dev.preflight.image.DockerImageBuilder;
import dev.preflight.image.Image;
import dev.preflight.image.ImageBuildException;
import dev.preflight.image.ImageSource;
import dev.preflight.image.ImageStore;
import dev.preflight.image.TestImages;
import dev.preflight.image.TestMotoServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;

/**
 * Tasks as real Docker containers from an image Docker built (RUN included): a fixed port published
 * per task, the task's environment over the image's, health-check commands run inside, Docker's stop
 * with the real stopTimeout, an out-of-memory kill worded as ECS words it, logs shipped to CloudWatch.
 */
@EnabledIf(value = "dev.preflight.engine.DockerAvailability#isAvailable", disabledReason = DockerAvailability.REASON)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContainerTaskRunnerTest {
    private static final String GROUP = "/ecs/preflight-container-test";
    private static final String DOCKERFILE = """
            FROM python:3.11-slim
            WORKDIR /app
            COPY task.py ./
            RUN echo "made by RUN" > /app/built.txt
            ENV FROM_IMAGE=yes GREETING=from-image
            CMD ["python3", "-u", "task.py"]
            """;
    /** Listens on its fixed port 8080; MODE picks how it meets SIGTERM, or makes it eat memory. */
    private static final String TASK = """
            import http.server, os, signal, sys, threading, time
            print("env", os.environ.get("GREETING"), os.environ.get("FROM_IMAGE"), open("/app/built.txt").read().strip())
            mode = os.environ.get("MODE", "serve")
            if mode == "oom":
                hog = []
                while True:
                    hog.append(bytearray(8 * 1024 * 1024))
            if mode == "ignore-term":
                signal.signal(signal.SIGTERM, lambda *a: print("ignoring SIGTERM"))
            else:
                signal.signal(signal.SIGTERM, lambda *a: (print("got SIGTERM"), sys.exit(0)))
            class Handler(http.server.BaseHTTPRequestHandler):
                def do_GET(self):
                    self.send_response(200); self.end_headers(); self.wfile.write(b"ok")
                def log_message(self, *args):
                    pass
            server = http.server.HTTPServer(("0.0.0.0", 8080), Handler)
            threading.Thread(target=server.serve_forever, daemon=True).start()
            print("listening")
            while True:
                time.sleep(1)
            """;

    private TestMotoServer moto;
    private ProcessLedger ledger;
    private ContainerNetwork network;
    private TaskLogShipper shipper;
    private ContainerTaskRunner runner;
    private DockerImageBuilder builder;
    private Image image;
    private Path context;

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        moto = TestMotoServer.start();
        moto.aws().logs().createLogGroup(r -> r.logGroupName(GROUP));
        ledger = new ProcessLedger(tmp.resolve("ledger"));
        network = new ContainerNetwork(ledger);
        shipper = new TaskLogShipper(moto.aws().logs());
        runner = new ContainerTaskRunner(ledger, network, tmp, shipper);
        builder = new DockerImageBuilder(new ImageStore(tmp.resolve("images")));
        ImageSource source = TestImages.context(tmp.resolve("context"), DOCKERFILE, Map.of("task.py", TASK));
        context = tmp.resolve("context");
        image = builder.build(source, Map.of("APP_VERSION", "v1"));
    }

    @AfterAll
    void stop() {
        try {
            if (runner != null) {
                runner.close();
            }
        } finally {
            if (network != null) {
                network.close();
            }
            if (shipper != null) {
                shipper.close();
            }
            if (moto != null) {
                moto.close();
            }
        }
    }

    private TaskSpec spec(String id, Map<String, String> env, Duration stopTimeout, int memoryMiB) {
        return new TaskSpec(id, "arn:aws:ecs:us-east-1:123456789012:task-definition/t:1", "web", image, env, 8080, stopTimeout,
                GROUP, TaskSpec.awslogsStream("ecs", "web", id), 256, memoryMiB);
    }

    private static int get(int port) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static void awaitLine(RunningTask task, String line) throws Exception {
        Instant deadline = Instant.now().plusSeconds(30);
        while (Instant.now().isBefore(deadline)) {
            if (Files.exists(task.localLog()) && Files.readString(task.localLog()).contains(line)) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("task " + task.taskId() + " never printed '" + line + "': " + Files.readString(task.localLog()));
    }

    @Test
    void theImageIsDockersOwnBuildWithTheReleaseEnvOnTop() throws Exception {
        assertThat(image.dockerImageId()).hasValueSatisfying(id -> assertThat(id).startsWith("sha256:"));
        assertThat(image.config().env()).containsEntry("APP_VERSION", "v1").containsEntry("FROM_IMAGE", "yes");
        assertThat(image.layers()).as("the layers stay in Docker").isEmpty();
        Image v2 = builder.build(TestImages.context(context, DOCKERFILE, Map.of("task.py", TASK)), Map.of("APP_VERSION", "v2"));
        assertThat(v2.digest()).isNotEqualTo(image.digest());
        assertThat(v2.dockerImageId()).isNotEqualTo(image.dockerImageId());
    }

    @Test
    void twoTasksListenOnTheSameFixedPortEachPublishedOnLoopback() throws Exception {
        RunningTask a = runner.start(spec("fixed-a", Map.of("GREETING", "from-task"), Duration.ofSeconds(5), 256));
        RunningTask b = runner.start(spec("fixed-b", Map.of(), Duration.ofSeconds(5), 256));
        try {
            awaitLine(a, "listening");
            awaitLine(b, "listening");
            assertThat(a.port()).isNotEqualTo(b.port()).isNotEqualTo(8080);
            assertThat(get(a.port())).isEqualTo(200);
            assertThat(get(b.port())).isEqualTo(200);
            assertThat(Files.readString(a.localLog())).as("the task's env over the image's; RUN ran").contains("env from-task yes made by RUN");
            assertThat(Files.readString(b.localLog())).contains("env from-image yes made by RUN");
            List<String> check = List.of("python3", "-c", "import urllib.request; urllib.request.urlopen('http://localhost:8080/health', timeout=3)");
            assertThat(a.exec(check, Duration.ofSeconds(5))).as("a health check run inside the container").isZero();
            assertThat(a.exec(List.of("python3", "-c", "import sys; sys.exit(3)"), Duration.ofSeconds(5))).isEqualTo(3);
            assertThat(a.exec(List.of("sleep", "5"), Duration.ofMillis(500))).as("a check that outlives its timeout").isEqualTo(-1);
            assertThat(a.runsAs()).startsWith("Docker container ");
        } finally {
            a.stop().get(20, TimeUnit.SECONDS);
            b.stop().get(20, TimeUnit.SECONDS);
        }
        assertThat(a.exitCode()).hasValue(0);
        assertThat(Files.readString(a.localLog())).contains("got SIGTERM");
        assertThat(moto.aws().logs().getLogEvents(r -> r.logGroupName(GROUP).logStreamName(a.spec().logStream()).startFromHead(true))
                .events()).extracting(e -> e.message()).contains("listening", "got SIGTERM");
    }

    @Test
    void aTaskThatIgnoresSigtermIsKilledAtItsRealStopTimeout() throws Exception {
        RunningTask task = runner.start(spec("stubborn", Map.of("MODE", "ignore-term"), Duration.ofSeconds(2), 256));
        awaitLine(task, "listening");
        Instant stop = Instant.now();
        int code = task.stop().get(30, TimeUnit.SECONDS);
        assertThat(code).isEqualTo(137);
        assertThat(Duration.between(stop, Instant.now())).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
        assertThat(task.stoppedBySigkill()).isTrue();
        assertThat(task.containerReason()).isEmpty();
        assertThat(Files.readString(task.localLog())).contains("ignoring SIGTERM");
    }

    @Test
    void aTaskOverItsMemoryIsKilledAndReportedAsEcsReportsIt() throws Exception {
        RunningTask task = runner.start(spec("hungry", Map.of("MODE", "oom"), Duration.ofSeconds(2), 64));
        int code = task.onExit().get(60, TimeUnit.SECONDS);
        assertThat(code).isEqualTo(137);
        assertThat(task.containerReason()).hasValue(ContainerTask.OUT_OF_MEMORY);
        assertThat(task.stoppedBySigkill()).as("nobody stopped it").isFalse();
    }

    @Test
    void everyContainerIsGoneOnceItExitedAndALeftoverOfAKilledRunIsRemovedByTheNext() throws Exception {
        RunningTask task = runner.start(spec("short", Map.of(), Duration.ofSeconds(5), 256));
        awaitLine(task, "listening");
        task.stop().get(20, TimeUnit.SECONDS);
        var docker = DockerClientFactory.instance().client();
        assertThat(docker.listContainersCmd().withShowAll(true).withLabelFilter(Map.of(ContainerTaskRunner.TASK_LABEL, "short")).exec())
                .as("the exited task's container").isEmpty();

        // A run that died: its ledger names a container the run had created.
        Process dead = new ProcessBuilder("true").start();
        dead.waitFor();
        String start = dead.toHandle().info().startInstant().map(Instant::toString).orElse("");
        String orphan = docker.createContainerCmd(image.dockerImageId().orElseThrow())
                .withLabels(Map.of(ProcessLedger.OWNER_LABEL, dead.pid() + "@" + start)).exec().getId();
        Path ledgers = Files.createTempDirectory("preflight-ledger-test");
        try {
            Files.writeString(ledgers.resolve(dead.pid() + ".json"), "{\"ownerPid\":" + dead.pid() + ",\"ownerStart\":\"" + start
                    + "\",\"processes\":[],\"directories\":[],\"containers\":[],\"networks\":[],\"docker\":true}");
            assertThat(new ProcessLedger(ledgers).reapOrphans()).isEqualTo(1);
            assertThat(docker.listContainersCmd().withShowAll(true).withIdFilter(List.of(orphan)).exec())
                    .as("found by the owner label, though the ledger never recorded it").isEmpty();
        } finally {
            dev.preflight.engine.ProcessLedger.deleteTree(ledgers);
            try {
                docker.removeContainerCmd(orphan).withForce(true).exec(); // when the reaper failed: the test leaves nothing either
            } catch (com.github.dockerjava.api.exception.NotFoundException removed) {
                // the reaper did it
            }
        }
    }

    @Test
    void anImageBuiltWithoutDockerCannotRunAsAContainer(@TempDir Path store) throws Exception {
        Image layersOnly = new dev.preflight.image.ImageBuilder(new ImageStore(store))
                .build(new ImageSource.FromProcess(List.of("python3", "task.py"), context, List.of("task.py")), Map.of());
        TaskSpec spec = new TaskSpec("no-docker", "arn", "web", layersOnly, Map.of(), 8080, Duration.ofSeconds(1), null, null);
        assertThatThrownBy(() -> runner.start(spec)).isInstanceOf(TaskStartException.class)
                .hasMessageStartingWith("CannotPullContainerError").hasMessageContaining("built without Docker");
        assertThatThrownBy(() -> builder.build(new ImageSource.FromProcess(List.of("python3", "task.py"), context, List.of("task.py")), Map.of()))
                .isInstanceOf(ImageBuildException.class).hasMessageContaining("the process form makes no container image");
    }
}
