package dev.preflight.runtime;

import dev.preflight.engine.ProcessLedger;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * An OS process started for a task: its own environment only (nothing inherited but PATH and
 * JAVA_HOME), stdout and stderr to a log file, recorded in the ledger so a crashed run's tasks are
 * stopped by the next run. Stopping is ECS's: SIGTERM, then SIGKILL after the stop timeout.
 */
public final class LocalProcess implements AutoCloseable {
    private final String name;
    private final Process process;
    private final Path log;
    private final ProcessLedger ledger;

    private LocalProcess(String name, Process process, Path log, ProcessLedger ledger) {
        this.name = name;
        this.process = process;
        this.log = log;
        this.ledger = ledger;
    }

    public static LocalProcess start(String name, List<String> command, Map<String, String> environment, Path log, ProcessLedger ledger) {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Map<String, String> env = builder.environment();
        String path = env.get("PATH");
        String javaHome = env.get("JAVA_HOME");
        env.clear();
        if (path != null) {
            env.put("PATH", path);
        }
        if (javaHome != null) {
            env.put("JAVA_HOME", javaHome);
        }
        env.putAll(environment);
        try {
            Process process = builder.start();
            ledger.trackProcess(process.toHandle());
            return new LocalProcess(name, process, log, ledger);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + name + ": " + command.get(0), e);
        }
    }

    public String name() {
        return name;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    public Path log() {
        return log;
    }

    public Process process() {
        return process;
    }

    /** SIGTERM, then SIGKILL if still running after stopTimeout. Returns the exit code. */
    public int stop(Duration stopTimeout) {
        if (process.isAlive()) {
            process.destroy();
            try {
                if (!process.waitFor(stopTimeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly();
                    process.waitFor(10, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
        ledger.forgetProcess(process.pid());
        return process.isAlive() ? -1 : process.exitValue();
    }

    /** SIGKILL at once, as when a task is killed from outside. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(5));
    }
}
