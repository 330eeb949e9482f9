package dev.preflight.scenarios.engines;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
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
import org.junit.jupiter.api.Test;

/**
 * A run killed with SIGKILL (no shutdown hook runs) leaves its engines behind; the next run finds
 * them in the ledger and removes every process and folder.
 */
class CrashRecoveryScenarioTest {

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
            assertThat(entry.processes()).as("processes the run recorded (moto, postgres, redis)").hasSizeGreaterThanOrEqualTo(3);
            assertThat(entry.directories()).as("folders the run recorded").isNotEmpty();
        } finally {
            run.destroyForcibly(); // SIGKILL: the run gets no chance to clean up
            run.waitFor(10, TimeUnit.SECONDS);
        }
        List<Long> pids = entry.processes().stream().map(ProcessLedger.TrackedProcess::pid).toList();
        assertThat(pids).as("engines orphaned by the killed run").anyMatch(pid -> ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));

        int stopped = ProcessLedger.standard().reapOrphans();

        assertThat(stopped).isPositive();
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
