package dev.preflight.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ProcessUsage against real process trees, through the call RuntimeMetrics makes: with this machine's
 * source (/proc on Linux) and with OSHI, the macOS source, run here on Linux too.
 */
class ProcessTreeUsageTest {
    private static final long MIB = 1024 * 1024;
    private final List<Process> started = new ArrayList<>();

    static Stream<Named<LongFunction<Optional<ProcessUsage>>>> sources() {
        return Stream.of(
                Named.of("this machine's source", ProcessUsage::of),
                Named.of("OSHI", pid -> ProcessUsage.of(pid, OshiProcesses::single)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sources")
    void aChildThatBurnsCpuAndHoldsMemoryIsMeasured(LongFunction<Optional<ProcessUsage>> usage) throws IOException {
        assumeMeasurable();
        Process burner = start(burner(3.0, 64, "hold"));
        awaitLine(burner, "ready");
        ProcessUsage first = usage.apply(burner.pid()).orElseThrow();
        ProcessUsage later = await("CPU time of the burner to grow by 0.5 s from " + first.cpuSeconds())
                .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> usage.apply(burner.pid()).orElseThrow(), u -> u.cpuSeconds() >= first.cpuSeconds() + 0.5);
        assertThat(later.rssBytes()).as("resident memory of a JVM holding 64 MiB").isBetween(64 * MIB, 2048 * MIB);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sources")
    void aDescendantStartedLaterIsCounted(LongFunction<Optional<ProcessUsage>> usage) throws IOException {
        assumeMeasurable();
        List<String> shell = new ArrayList<>(List.of("sh", "-c", "read go; \"$@\"", "sh"));
        shell.addAll(burner(0.5, 64, "hold"));
        Process parent = start(shell);
        assertThat(usage.apply(parent.pid()).orElseThrow().rssBytes()).as("a waiting shell's resident memory").isLessThan(32 * MIB);
        OutputStream stdin = parent.getOutputStream();
        stdin.write("go\n".getBytes(StandardCharsets.US_ASCII));
        stdin.flush();
        await("the shell's tree to hold the burner's 64 MiB and 0.5 s of CPU")
                .atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> usage.apply(parent.pid()).orElseThrow(), u -> u.rssBytes() >= 64 * MIB && u.cpuSeconds() >= 0.5);
    }

    @Test
    void onLinuxTheCpuOfDescendantsThatHaveExitedStaysCounted() throws IOException {
        assumeTrue(Files.isReadable(Path.of("/proc/self/stat")), "no /proc on this machine");
        List<String> shell = new ArrayList<>(List.of("sh", "-c", "\"$@\" && \"$@\" && echo done && read x", "sh"));
        shell.addAll(burner(0.4, 0, "exit"));
        Process parent = start(shell);
        awaitLine(parent, "done");
        assertThat(ProcessHandle.of(parent.pid()).orElseThrow().descendants().count()).as("live descendants").isZero();
        assertThat(ProcessUsage.of(parent.pid()).orElseThrow().cpuSeconds())
                .as("CPU seconds of a shell whose two children burnt 0.4 s each and exited").isGreaterThanOrEqualTo(0.8);
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (Process p : started) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
            p.waitFor();
        }
    }

    private static void assumeMeasurable() {
        assumeTrue(ProcessUsage.supported(), "process usage cannot be read on this machine");
        assumeTrue(OshiProcesses.available(), "OSHI does not load on this machine");
    }

    /** A small JVM running {@link Burner}; its class comes from this test's own output folder. */
    private static List<String> burner(double cpuSeconds, int mib, String then) {
        try {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            String classes = Path.of(Burner.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
            return List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", classes,
                    Burner.class.getName(), Double.toString(cpuSeconds), Integer.toString(mib), then);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private Process start(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        started.add(p);
        return p;
    }

    /** Reads the process's output until a line, for at most 30 s (the processes are killed after each test). */
    private static void awaitLine(Process p, String line) {
        CompletableFuture<Boolean> seen = CompletableFuture.supplyAsync(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                return out.lines().anyMatch(line::equals);
            } catch (IOException e) {
                return false;
            }
        });
        try {
            assertThat(seen.get(30, TimeUnit.SECONDS)).as("process %d printed '%s' before its output ended", p.pid(), line).isTrue();
        } catch (TimeoutException e) {
            throw new AssertionError("process " + p.pid() + " did not print '" + line + "' within 30 s", e);
        } catch (InterruptedException | ExecutionException e) {
            throw new AssertionError("waiting for '" + line + "' from process " + p.pid() + " failed", e);
        }
    }
}
