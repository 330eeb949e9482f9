package dev.preflight.runtime;

import dev.preflight.engine.ProcessLedger;
import dev.preflight.image.Image;
import dev.preflight.image.ImageConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs task containers as OS processes of this machine, started from images: the command is the
 * image's entrypoint ({@code java} being this JVM's java, {@value ImageConfig#ARTIFACT} the stored
 * jar), the environment the image's env with the task's on top and nothing of the harness's but
 * PATH and JAVA_HOME, the working folder and the local log in {@code <run dir>/tasks/<task id>/}.
 *
 * <p>Every process is in the ledger while it runs, so a run killed outright has its tasks stopped by
 * the next one; a JVM that exits normally without closing the runner kills them on the way out.
 */
public final class ProcessTaskRunner implements TaskRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessTaskRunner.class);
    /** Beyond a task's stopTimeout, how long close() waits for the SIGKILL to take. */
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);

    private final ProcessLedger ledger;
    private final Path tasksDir;
    private final TaskLogShipper logs;
    private final Map<String, ProcessTask> running = new ConcurrentHashMap<>();
    private final ExecutorService exits = Executors.newCachedThreadPool(daemon("task-exit"));
    private final Thread shutdownHook = new Thread(this::killAll, "process-task-runner-shutdown");
    private volatile boolean closed;

    public ProcessTaskRunner(ProcessLedger ledger, Path runDir, TaskLogShipper logs) {
        this.ledger = java.util.Objects.requireNonNull(ledger, "ledger");
        this.tasksDir = runDir.resolve("tasks");
        this.logs = java.util.Objects.requireNonNull(logs, "logs (a TaskLogShipper)");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    @Override
    public RunningTask start(TaskSpec spec) {
        if (closed) {
            throw new IllegalStateException("Cannot start task " + spec.taskId() + ": the task runner is closed");
        }
        if (running.containsKey(spec.taskId())) {
            throw new IllegalArgumentException("Task " + spec.taskId() + " is already running (" + running.get(spec.taskId())
                    + "). Fix: give every task its own id");
        }
        Path dir = tasksDir.resolve(spec.taskId().replaceAll("[^A-Za-z0-9._-]", "_"));
        Path localLog = dir.resolve("output.log");
        List<String> command = command(spec.image());
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        Map<String, String> env = builder.environment();
        env.keySet().retainAll(List.of("PATH", "JAVA_HOME"));
        env.putAll(spec.image().config().env());
        env.putAll(spec.environment()); // the task definition overrides the image's ENV, as in Docker
        env.putIfAbsent("PORT", Integer.toString(spec.port()));
        Process process;
        try {
            Files.createDirectories(dir);
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start task " + spec.taskId() + " of " + spec.taskDefinitionArn() + " (container "
                    + spec.containerName() + ", image " + spec.image().digest() + "): " + command + " failed: " + e.getMessage()
                    + ". Fix: the image's entrypoint must name a program on this machine", e);
        }
        ledger.trackProcess(process.toHandle());
        try {
            process.getOutputStream().close(); // no stdin, as a container started without -i
            TaskLogShipper.Stream stream = spec.logGroup() == null ? null : logs.open(spec.logGroup(), spec.logStream());
            ProcessTask task = new ProcessTask(spec, process, localLog, stream, ledger, exits,
                    exited -> running.remove(exited.taskId(), exited));
            running.put(spec.taskId(), task);
            if (!process.isAlive() && task.onExit().isDone()) {
                running.remove(spec.taskId(), task); // exited before it was listed
            }
            LOG.debug("Started {}: {}", task, command);
            return task;
        } catch (IOException | RuntimeException e) {
            process.destroyForcibly();
            ledger.forgetProcess(process.pid());
            throw new IllegalStateException("Task " + spec.taskId() + " started but cannot be watched: " + e.getMessage(), e);
        }
    }

    /** The entrypoint made concrete: the artifact's path in place of its placeholder, this JVM for "java". */
    static List<String> command(Image image) {
        List<String> command = new ArrayList<>();
        String artifact = image.artifact().toAbsolutePath().toString();
        for (String part : image.config().entrypoint()) {
            command.add(part.replace(ImageConfig.ARTIFACT, artifact));
        }
        if (command.get(0).equals("java")) {
            command.set(0, javaBinary());
        }
        return command;
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command()
                .filter(c -> Path.of(c).getFileName().toString().startsWith("java"))
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** The tasks started by this runner that have not exited yet. */
    public List<RunningTask> tasks() {
        return List.copyOf(running.values());
    }

    /** Stops every task still running (SIGTERM, SIGKILL after each one's stopTimeout) and waits for them. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        List<ProcessTask> tasks = List.copyOf(running.values());
        Duration longest = tasks.stream().map(t -> t.spec().stopTimeout()).max(Duration::compareTo).orElse(Duration.ZERO);
        CompletableFuture<?>[] stops = tasks.stream().map(ProcessTask::stop).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(stops).get(longest.plus(KILL_WAIT).toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("Tasks still running {} after their stopTimeout and SIGKILL: killing them again", running.values());
            killAll();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            killAll();
        } catch (Exception e) {
            LOG.warn("Stopping tasks failed: {}", e.getMessage());
            killAll();
        }
        // exits stays up (its threads are daemons and idle out): a task killed late still reports its exit.
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook runs anyway
        }
    }

    private void killAll() {
        running.values().forEach(ProcessTask::kill);
    }

    private static ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
