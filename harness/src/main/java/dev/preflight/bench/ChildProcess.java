package dev.preflight.bench;

import dev.preflight.engine.LocalPorts;
import dev.preflight.engine.ProcessLedger;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A process the bench starts (backend, nginx, the stand-alone load balancer, wrk): its output goes
 * to a log file, it is recorded in the run's {@link ProcessLedger} from start to end (so a bench
 * killed with SIGKILL is cleaned up by the next run), and {@link #close()} stops it and all its
 * children: SIGTERM, then SIGKILL after a grace period.
 */
final class ChildProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path log;
    private final ProcessLedger ledger;

    private ChildProcess(String name, Process process, Path log, ProcessLedger ledger) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.ledger = ledger;
    }

    static ChildProcess start(String name, List<String> command, Map<String, String> environment, Path log,
                              ProcessLedger ledger) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        builder.environment().putAll(environment);
        Process process;
        try {
            Files.createDirectories(log.getParent());
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name + " (" + String.join(" ", command) + "): " + e.getMessage(), e);
        }
        ledger.trackProcess(process.toHandle());
        return new ChildProcess(name, process, log, ledger);
    }

    String name() {
        return name;
    }

    Process process() {
        return process;
    }

    Path log() {
        return log;
    }

    /** Waits until the process accepts connections on 127.0.0.1:port; fails (with its log) if it exits first. */
    void awaitListening(int port, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue() + " before listening on port "
                        + port + "; its output:\n" + tail());
            }
            if (LocalPorts.isListening(LocalPorts.LOOPBACK, port)) {
                return;
            }
            sleep(20);
        }
        throw new IllegalStateException(name + " did not listen on 127.0.0.1:" + port + " within " + timeout.toSeconds()
                + " s; its output:\n" + tail());
    }

    /** Waits for the process to exit by itself; false if it is still running after {@code timeout}. */
    boolean awaitExit(Duration timeout) {
        try {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The last lines of its output. */
    String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no output: " + e.getMessage() + ")";
        }
    }

    /** SIGTERM to the process (it stops its own children), SIGKILL after 10 s, then whatever child is left. */
    @Override
    public void close() {
        List<ProcessHandle> children = process.descendants().toList();
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        for (ProcessHandle child : children) {
            ProcessLedger.stop(child, Duration.ofSeconds(5));
        }
        ledger.forgetProcess(process.pid());
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    @Override
    public String toString() {
        return name + " (pid " + process.pid() + ")";
    }
}
