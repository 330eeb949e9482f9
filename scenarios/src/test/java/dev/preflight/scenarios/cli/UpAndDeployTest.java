package dev.preflight.scenarios.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.preflight.aws.AwsClients;
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

            driftByHandShowsInPlanAndApplyPutsItBack(lines);
            aDatabaseFaultFromTheCommandLine(lb);
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

    /**
     * Changes made by hand through the AWS API (as with the aws CLI and the exports `up` prints): a security
     * group rule, a target group's health check and a service's desired count show in `plan --live`,
     * attribute by attribute; `apply` puts them back; the next plan finds no drift.
     */
    private static void driftByHandShowsInPlanAndApplyPutsItBack(List<String> lines) throws Exception {
        String endpoint = exported(lines, "AWS_ENDPOINT_URL");
        String keys = lines.stream().filter(l -> l.contains("export AWS_ACCESS_KEY_ID=")).findFirst().orElseThrow();
        String key = keys.replaceAll(".*AWS_ACCESS_KEY_ID=(\\S+).*", "$1");
        String secret = keys.replaceAll(".*AWS_SECRET_ACCESS_KEY=(\\S+).*", "$1");
        try (AwsClients aws = new AwsClients(URI.create(endpoint), exported(lines, "AWS_REGION"), key, secret)) {
            String group = aws.ec2().describeSecurityGroups(r -> r.filters(f -> f.name("group-name").values("shop-dev-app")))
                    .securityGroups().get(0).groupId();
            aws.ec2().authorizeSecurityGroupIngress(r -> r.groupId(group).ipPermissions(p -> p.ipProtocol("tcp").fromPort(22).toPort(22)
                    .ipRanges(range -> range.cidrIp("0.0.0.0/0"))));
            String tg = aws.elb().describeTargetGroups(r -> r.names("shop-dev-api")).targetGroups().get(0).targetGroupArn();
            aws.elb().modifyTargetGroup(r -> r.targetGroupArn(tg).healthCheckPath("/version"));
            aws.ecs().updateService(r -> r.cluster("shop-dev-main").service("shop-dev-api").desiredCount(2));
        }
        Process plan = cli("plan", "--live", "--env", "dev").start();
        String drift = new String(plan.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(plan.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(plan.exitValue()).as(drift).isEqualTo(1);
        assertThat(drift).contains("drift: ~ network security group shop-dev-app (ingress - tcp 22 from 0.0.0.0/0)")
                .contains("health check path /version -> /health").contains("desiredCount 2 -> 1")
                .contains("3 resource(s) drifted");

        Process apply = cli("apply", "--env", "dev").start();
        String applied = new String(apply.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(apply.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(apply.exitValue()).as(applied).isZero();

        Process again = cli("plan", "--live", "--env", "dev").start();
        String clean = new String(again.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(again.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(again.exitValue()).as(clean).isZero();
        assertThat(clean).contains("no drift");
    }

    /** `preflight fault postgres cut` makes api's database calls fail (its health stays up); `restore` brings them back. */
    private static void aDatabaseFaultFromTheCommandLine(URI lb) throws Exception {
        await("api's /api/db").atMost(Duration.ofSeconds(30)).until(() -> get(lb, "/api/db").statusCode() == 200);
        Process cut = cli("fault", "postgres", "cut", "--env", "dev").start();
        String said = new String(cut.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(cut.waitFor(1, TimeUnit.MINUTES)).isTrue();
        assertThat(cut.exitValue()).as(said).isZero();
        assertThat(said).contains("postgres unreachable (now)");
        try {
            await("/api/db to fail while PostgreSQL is cut off").atMost(Duration.ofSeconds(30)).until(() -> get(lb, "/api/db").statusCode() >= 500);
            assertThat(get(lb, "/api/health").statusCode()).isEqualTo(200);
        } finally {
            Process restore = cli("fault", "postgres", "restore", "--env", "dev").start();
            restore.getInputStream().readAllBytes();
            assertThat(restore.waitFor(1, TimeUnit.MINUTES)).isTrue();
            assertThat(restore.exitValue()).isZero();
        }
        await("/api/db back").atMost(Duration.ofSeconds(45)).until(() -> get(lb, "/api/db").statusCode() == 200);
    }

    private static String exported(List<String> lines, String variable) {
        return lines.stream().filter(l -> l.contains("export " + variable + "=")).findFirst().orElseThrow()
                .replaceAll(".*export " + variable + "=(\\S+).*", "$1");
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
