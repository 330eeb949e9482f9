package dev.preflight.scenarios.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.preflight.engine.ProcessLedger;
import dev.preflight.environment.TopologyLocator;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code preflight up} as a user runs it (make up): a load balancer that answers through every
 * listener rule, the services running, the service events printed; {@code preflight deploy} from a
 * second process rolls out a new version; Ctrl-C (SIGTERM) stops it all and leaves nothing.
 */
class UpAndDeployTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final Pattern LB = Pattern.compile("Load balancer \\S+ at (http://127\\.0\\.0\\.1:\\d+)");

    @Test
    void upRunsTheDataPlaneAndDeployRollsOutANewVersionFromAnotherProcess() throws Exception {
        Process up = cli("up", "--env", "dev").start();
        ProcessLedger.Entry ledger;
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread reader = drain(up, lines);
        try {
            await("preflight up to be ready").atMost(Duration.ofMinutes(3)).until(() -> lines.stream().anyMatch(l -> l.startsWith("Ready in"))
                    || !up.isAlive());
            assertThat(up.isAlive()).as("preflight up is running:%n%s", String.join("\n", lines)).isTrue();
            URI lb = URI.create(lines.stream().map(LB::matcher).filter(Matcher::find).findFirst().orElseThrow().group(1));

            assertThat(get(lb, "/").statusCode()).as("default rule: frontend").isEqualTo(200);
            assertThat(get(lb, "/api/version").body()).as("rule /api/*: api").contains("v1");
            assertThat(statusLineWithHost(lb, "admin.example.com")).as("rule admin.*: admin").contains(" 200 ");
            assertThat(lines).anyMatch(l -> l.contains("[api] (service api) has reached a steady state."));

            Process deploy = cli("deploy", "api", "--env", "dev", "--version", "v2").redirectErrorStream(true).start();
            String deployed = new String(deploy.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(deploy.waitFor(3, TimeUnit.MINUTES)).isTrue();
            assertThat(deploy.exitValue()).as(deployed).isZero();
            assertThat(deployed).contains("SUCCEEDED v2 of api");
            assertThat(get(lb, "/api/version").body()).as("answered by the new version").contains("v2");
            ledger = new ObjectMapper().readValue(Path.of(System.getProperty("user.home"), ".cache", "preflight", "ledger",
                    up.pid() + ".json").toFile(), ProcessLedger.Entry.class);
        } finally {
            up.toHandle().destroy(); // SIGTERM, as Ctrl-C (Process.destroy() would also close our end of its output)
            boolean exited = up.waitFor(90, TimeUnit.SECONDS);
            if (!exited) {
                up.destroyForcibly();
            }
            reader.join(5_000);
            assertThat(exited).as("preflight up stops on SIGTERM:%n%s", String.join("\n", lines)).isTrue();
        }
        assertThat(lines).anyMatch(l -> l.startsWith("preflight: stopping dev"));
        assertThat(lines).anyMatch(l -> l.equals("preflight: stopped"));
        assertThat(ledger.processes()).as("engines and tasks preflight up recorded").hasSizeGreaterThanOrEqualTo(3);
        // PostgreSQL finishes its own shutdown a moment after it was told to stop: bounded, not instant.
        await("every process preflight up started to exit").atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(ledger.processes()).noneMatch(p -> ProcessHandle.of(p.pid()).map(ProcessHandle::isAlive).orElse(false)));
        assertThat(ledger.directories()).as("folders left").noneMatch(dir -> Files.exists(Path.of(dir)));
    }

    private static ProcessBuilder cli(String... args) {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "-D" + TopologyLocator.PROPERTY + "=" + TopologyLocator.topologyDir(),
                "dev.preflight.cli.PreflightCli"));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true);
    }

    private static Thread drain(Process process, List<String> lines) {
        Thread t = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    lines.add(line);
                }
            } catch (Exception ignored) {
                // the process ended
            }
        }, "preflight-up-output");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static HttpResponse<String> get(URI lb, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(lb + path)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The JDK's clients refuse to set Host: one raw HTTP/1.1 request, its status line. */
    private static String statusLineWithHost(URI lb, String host) throws Exception {
        try (Socket socket = new Socket(lb.getHost(), lb.getPort())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(("GET / HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII)).readLine();
        }
    }
}
