package dev.preflight.scenarios.engines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.preflight.engine.EngineKind;
import dev.preflight.engine.EngineSettings;
import dev.preflight.engine.ProcessLedger;
import dev.preflight.environment.TopologyLocator;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;

/**
 * A run killed with SIGKILL (no shutdown hook runs) leaves its engines behind; the next run finds
 * them in the ledger and removes every process and folder, and on the containers engines every
 * container (engines and tasks) and network.
 */
@Tag("containers")
class CrashRecoveryScenarioTest {

    private final boolean containers = EngineSettings.fromSystem().kind() == EngineKind.CONTAINERS;

    private static List<String> existing(List<String> ids) {
        return DockerClientFactory.instance().client().listContainersCmd().withShowAll(true).withIdFilter(ids).exec().stream()
                .map(c -> c.getId()).toList();
    }

    @Test
    void aRunKilledWithSigkillIsCleanedUpByTheNextRun() throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Process run = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "-D" + TopologyLocator.PROPERTY + "=" + TopologyLocator.topologyDir(),
                "dev.preflight.cli.PreflightCli", "up", "--env", "dev")
                .redirectErrorStream(true).start();
        Path ledgerFile = Path.of(System.getProperty("user.home"), ".cache", "preflight", "ledger", run.pid() + ".json");
        ProcessLedger.Entry entry;
        try {
            waitForLine(run, "is up");
            entry = new ObjectMapper().readValue(ledgerFile.toFile(), ProcessLedger.Entry.class);
            if (containers) {
                assertThat(entry.containers()).as("containers the run recorded (three engines and the tasks)").hasSizeGreaterThan(3);
                assertThat(entry.networks()).as("the run's network").hasSize(1);
            } else {
                assertThat(entry.processes()).as("processes the run recorded (moto, postgres, redis)").hasSizeGreaterThanOrEqualTo(3);
            }
            assertThat(entry.directories()).as("folders the run recorded").isNotEmpty();
        } finally {
            run.destroyForcibly(); // SIGKILL: the run gets no chance to clean up
            run.waitFor(10, TimeUnit.SECONDS);
        }
        List<Long> pids = entry.processes().stream().map(ProcessLedger.TrackedProcess::pid).toList();
        if (containers) {
            assertThat(existing(entry.containers())).as("containers orphaned by the killed run").isNotEmpty();
        } else {
            assertThat(pids).as("engines orphaned by the killed run").anyMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
        }

        int stopped = ProcessLedger.standard().reapOrphans();

        assertThat(stopped).isPositive();
        if (containers) {
            assertThat(existing(entry.containers())).as("containers left").isEmpty();
            assertThat(DockerClientFactory.instance().client().listNetworksCmd().withIdFilter(entry.networks().toArray(String[]::new)).exec())
                    .as("networks left").isEmpty();
        }
        await("orphaned engines to exit").atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(pids).as("processes left").noneMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)));
        assertThat(entry.directories()).as("folders left").noneMatch(dir -> Files.exists(Path.of(dir)));
        assertThat(ledgerFile).doesNotExist();
    }

    private static void waitForLine(Process process, String marker) throws Exception {
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        StringBuilder seen = new StringBuilder();
        String line;
        while ((line = out.readLine()) != null) {
            seen.append(line).append('\n');
            if (line.contains(marker)) {
                // keep draining so the child never blocks on a full pipe
                Thread drain = new Thread(() -> {
                    try {
                        while (out.readLine() != null) {
                            // discard
                        }
                    } catch (Exception ignored) {
                        // the process was killed
                    }
                });
                drain.setDaemon(true);
                drain.start();
                return;
            }
            if (System.nanoTime() > deadline) {
                break;
            }
        }
        throw new AssertionError("The run never printed '" + marker + "'. Its output:\n" + seen);
    }
}
