package dev.preflight.faults;

import dev.preflight.ecs.EcsTask;
import dev.preflight.engine.ProcessLedger;
import dev.preflight.engine.StopSequence;
import dev.preflight.metrics.ProcessUsage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A stress process charged to one task, as AWS FIS's {@code aws:ecs:task-cpu-stress} and
 * {@code aws:ecs:task-memory-stress} run stress-ng in a sidecar container of the task: it burns CPU
 * and holds memory on command ({@code stress.py}, run with the machine's python3), and the task's
 * CPUUtilization and MemoryUtilization count it ({@link EcsTask#addSidecar}). It runs beside the
 * task on this machine whatever runs the task (a process or a Docker container), is in the ledger
 * while it runs, and exits by itself when the JVM that commands it is gone (its stdin closes).
 */
public final class StressSidecar implements AutoCloseable {
    private static final String SCRIPT = "stress.py";
    private static final Duration READY = Duration.ofSeconds(10);

    private final EcsTask task;
    private final Process process;
    private final Writer commands;
    private final ProcessLedger ledger;
    private volatile boolean closed;

    private StressSidecar(EcsTask task, Process process, ProcessLedger ledger) {
        this.task = task;
        this.process = process;
        this.ledger = ledger;
        this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.US_ASCII);
    }

    /**
     * Starts a sidecar for {@code task}, idle until told to burn or hold.
     *
     * @param workDir where the script is written (the run's folder)
     * @throws IllegalStateException when python3 cannot be started here
     */
    public static StressSidecar start(EcsTask task, ProcessLedger ledger, Path workDir) {
        Path script = script(workDir);
        Process process;
        try {
            process = new ProcessBuilder("python3", script.toString()).redirectErrorStream(true).start();
        } catch (IOException e) {
            throw new IllegalStateException("the stress sidecar needs python3 on the PATH (" + e.getMessage()
                    + "): install Python 3.8+, as the README's requirements say", e);
        }
        ledger.trackProcess(process.toHandle());
        CompletableFuture<String> ready = new CompletableFuture<>();
        drain(process.getInputStream(), task.taskId(), ready);
        try {
            // Loaded before it is charged: its own memory is then what it holds without a command.
            ready.get(READY.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            StopSequence.killTree(process.toHandle());
            ledger.forgetProcess(process.pid());
            throw new IllegalStateException("the stress sidecar (python3 " + script + ") did not start within " + READY.toSeconds() + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            StopSequence.killTree(process.toHandle());
            ledger.forgetProcess(process.pid());
            throw new IllegalStateException("interrupted while the stress sidecar started", e);
        }
        task.addSidecar(process.toHandle());
        return new StressSidecar(task, process, ledger);
    }

    /** Burns this many cores (0.25 = a quarter of one core). */
    public void cpu(double cores) {
        send(String.format(Locale.ROOT, "cpu %.4f", Math.max(0, cores)));
    }

    /** Holds this many bytes resident, on top of the sidecar's own few MiB. */
    public void memory(long bytes) {
        send("memory " + Math.max(0, bytes));
    }

    /** What the sidecar and its workers use now; empty once it is gone. */
    public Optional<ProcessUsage> usage() {
        return ProcessUsage.of(process.pid());
    }

    public EcsTask task() {
        return task;
    }

    private synchronized void send(String command) {
        if (closed || !process.isAlive()) {
            return;
        }
        try {
            commands.write(command + "\n");
            commands.flush();
        } catch (IOException e) {
            // the sidecar is gone (its task was stopped and it with it): nothing to stress any more
        }
    }

    /** Stops it (its workers with it) and uncharges it from the task. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            commands.close();
        } catch (IOException ignored) {
            // already gone
        }
        StopSequence.killTree(process.toHandle());
        task.removeSidecar(process.toHandle());
        ledger.forgetProcess(process.pid());
    }

    private static synchronized Path script(Path workDir) {
        Path target = workDir.resolve(SCRIPT);
        if (Files.isRegularFile(target)) {
            return target;
        }
        try (InputStream in = StressSidecar.class.getResourceAsStream(SCRIPT)) {
            if (in == null) {
                throw new IllegalStateException(SCRIPT + " is missing from the harness jar: rebuild it");
            }
            Files.createDirectories(workDir);
            Path tmp = Files.createTempFile(workDir, "stress", ".py");
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the stress sidecar's script to " + target, e);
        }
    }

    /** Its first line completes {@code ready}; its acknowledgements after are read and dropped, so its pipe never fills. */
    private static void drain(InputStream out, String taskId, CompletableFuture<String> ready) {
        Thread t = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(out, StandardCharsets.US_ASCII))) {
                for (String line; (line = lines.readLine()) != null; ) {
                    ready.complete(line);
                }
            } catch (IOException ignored) {
                // it ended
            }
            ready.completeExceptionally(new IOException("it exited"));
        }, "stress-" + taskId);
        t.setDaemon(true);
        t.start();
    }
}
