package dev.preflight.runtime;

import dev.preflight.engine.ProcessLedger;
import dev.preflight.engine.StopSequence;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task container as an OS process: its output read line by line into the local log and the log
 * shipper, its stop ECS's (SIGTERM, SIGKILL after stopTimeout), its exit reported only once its
 * output is drained and shipped, so whoever waits on {@link #onExit()} sees the last lines.
 */
final class ProcessTask implements RunningTask {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessTask.class);
    /** How long to wait for output after exit: a grandchild holding the pipe open must not hang us. */
    private static final long DRAIN_MILLIS = 2_000;

    private final TaskSpec spec;
    private final Process process;
    private final Instant startedAt = Instant.now();
    private final Path localLog;
    private final BufferedWriter log;
    private final TaskLogShipper.Stream shipped;
    private final ProcessLedger ledger;
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private final AtomicBoolean stopRequested = new AtomicBoolean();
    private final List<Thread> readers;
    private volatile boolean stoppedBySigkill;
    /** Set when the runner killed the task for its memory limit, as the kernel kills a container. */
    private volatile String containerReason;
    /** The task's other processes when the stop began (a shell form's sh has the app as its child): they end with it. */
    private volatile List<ProcessHandle> stopTree = List.of();

    ProcessTask(TaskSpec spec, Process process, Path localLog, TaskLogShipper.Stream shipped, ProcessLedger ledger,
                Executor exits, Consumer<ProcessTask> onExit) throws IOException {
        this.spec = spec;
        this.process = process;
        this.localLog = localLog;
        this.shipped = shipped;
        this.ledger = ledger;
        this.log = Files.newBufferedWriter(localLog, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        this.readers = List.of(reader(process.getInputStream(), "stdout"), reader(process.getErrorStream(), "stderr"));
        readers.forEach(Thread::start);
        process.onExit().thenRunAsync(() -> finish(onExit), exits);
    }

    private Thread reader(InputStream stream, String name) {
        Thread t = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    line(line);
                }
            } catch (IOException e) {
                LOG.debug("Reading {} of task {} ended: {}", name, spec.taskId(), e.getMessage());
            }
        }, "task-" + spec.taskId() + "-" + name);
        t.setDaemon(true);
        return t;
    }

    private void line(String line) {
        synchronized (log) {
            try {
                log.write(line);
                log.newLine();
                log.flush(); // a scenario reads the log while the task runs
            } catch (IOException e) {
                LOG.debug("Cannot write the local log {}: {}", localLog, e.getMessage());
            }
        }
        if (shipped != null) {
            shipped.append(line);
        }
    }

    /**
     * After exit: drain the output, ship it, forget the process, tell the runner, then report the
     * exit code: whoever waits on the exit sees a runner that no longer lists the task.
     */
    private void finish(Consumer<ProcessTask> onExit) {
        // As a container's end takes every process in it: a child outliving its parent would hold the port and the pipes.
        stopTree.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
        try {
            for (Thread reader : readers) {
                reader.join(DRAIN_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (log) {
            try {
                log.close();
            } catch (IOException ignored) {
                // nothing left to lose
            }
        }
        try {
            if (shipped != null) {
                shipped.close();
            }
        } catch (RuntimeException e) {
            LOG.warn("Shipping the last log lines of task {} failed: {}", spec.taskId(), e.getMessage());
        }
        ledger.forgetProcess(process.pid());
        try {
            onExit.accept(this);
        } finally {
            exit.complete(process.exitValue());
        }
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
        return process.pid();
    }

    @Override
    public boolean isAlive() {
        return process.isAlive();
    }

    @Override
    public OptionalInt exitCode() {
        return process.isAlive() ? OptionalInt.empty() : OptionalInt.of(process.exitValue());
    }

    @Override
    public CompletableFuture<Integer> stop() {
        if (stopRequested.compareAndSet(false, true)) {
            stopTree = process.descendants().toList();
            StopSequence.begin(process.toHandle(), spec.stopTimeout()).thenAccept(killed -> {
                if (killed) {
                    stoppedBySigkill = true; // before the exit is reported
                    LOG.debug("Task {} outlived its stopTimeout {}: SIGKILL", spec.taskId(), spec.stopTimeout());
                }
            });
        }
        return exit.copy();
    }

    @Override
    public void kill() {
        StopSequence.killTree(process.toHandle());
    }

    /** On this machine: the task shares its network, so the command reaches the task at its own port. */
    @Override
    public int exec(List<String> command, java.time.Duration timeout) {
        return HostCommand.run(command, timeout);
    }

    @Override
    public CompletableFuture<Integer> onExit() {
        return exit.copy();
    }

    @Override
    public Path localLog() {
        return localLog;
    }

    /** SIGKILL for using more than the task's memory, as the kernel's OOM killer ends a container (exit 137). */
    void killForMemory() {
        containerReason = OUT_OF_MEMORY;
        kill();
    }

    @Override
    public java.util.Optional<String> containerReason() {
        return java.util.Optional.ofNullable(containerReason);
    }

    @Override
    public boolean stoppedBySigkill() {
        return stoppedBySigkill;
    }

    @Override
    public String toString() {
        return "task " + spec.taskId() + " (pid " + process.pid() + ", port " + spec.port() + ", image " + spec.image().shortDigest() + ")";
    }
}
