package dev.preflight.runtime;

import dev.preflight.engine.ProcessLedger;
import dev.preflight.image.Image;
import dev.preflight.image.LayerTar;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs task containers as OS processes of this machine, started from images: each image's layers are
 * unpacked once into {@code <run dir>/images/<digest>/rootfs} (shared by its tasks, files read-only), and
 * the task runs the image's ENTRYPOINT + CMD made concrete by {@link ProcessCommand} (the runtime its FROM
 * implies, paths of the image taken in the root) in the root's WORKDIR. The environment is the image's ENV
 * with the task's on top and nothing of the harness's but PATH and JAVA_HOME; the task's port is in PORT;
 * the local log is in {@code <run dir>/tasks/<task id>/}.
 *
 * <p>Every process is in the ledger while it runs, so a run killed outright has its tasks stopped by
 * the next one; a JVM that exits normally without closing the runner kills them on the way out.
 */
public final class ProcessTaskRunner implements TaskRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessTaskRunner.class);
    /** Beyond a task's stopTimeout, how long close() waits for the SIGKILL to take. */
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);
    private static final String LOOPBACK = "127.0.0.1";

    private final ProcessLedger ledger;
    private final Path tasksDir;
    private final Path imagesDir;
    private final Map<String, Path> roots = new ConcurrentHashMap<>();
    private final TaskLogShipper logs;
    private final Map<String, ProcessTask> running = new ConcurrentHashMap<>();
    private final ExecutorService exits = Executors.newCachedThreadPool(daemon("task-exit"));
    private final Thread shutdownHook = new Thread(this::killAll, "process-task-runner-shutdown");
    /** Enforces each task's memory as a container's cgroup limit does: a process has none of its own. */
    private final java.util.concurrent.ScheduledExecutorService memoryLimits = Executors.newSingleThreadScheduledExecutor(daemon("task-memory"));
    private volatile boolean closed;

    public ProcessTaskRunner(ProcessLedger ledger, Path runDir, TaskLogShipper logs) {
        this.ledger = java.util.Objects.requireNonNull(ledger, "ledger");
        this.tasksDir = runDir.resolve("tasks");
        this.imagesDir = runDir.resolve("images");
        this.logs = java.util.Objects.requireNonNull(logs, "logs (a TaskLogShipper)");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        if (dev.preflight.metrics.ProcessUsage.supported()) {
            memoryLimits.scheduleWithFixedDelay(this::enforceMemory, MEMORY_CHECK.toMillis(), MEMORY_CHECK.toMillis(),
                    java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }

    private static final java.time.Duration MEMORY_CHECK = java.time.Duration.ofMillis(250);

    /** A task whose process tree holds more resident memory than its task definition's memory is killed, as ECS reports it. */
    private void enforceMemory() {
        for (ProcessTask task : running.values()) {
            int limit = task.spec().memoryMiB();
            if (limit <= 0 || !task.isAlive()) {
                continue;
            }
            dev.preflight.metrics.ProcessUsage.of(task.pid()).ifPresent(usage -> {
                if (usage.rssBytes() > limit * 1024L * 1024L) {
                    LOG.info("Task {} uses {} MiB, above its memory {} MiB: killed as a container is", task.taskId(),
                            usage.rssBytes() / (1024 * 1024), limit);
                    task.killForMemory();
                }
            });
        }
    }

    @Override
    public boolean sharesHostNetwork() {
        return true;
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
        Path root = root(spec.image());
        String machinePath = System.getenv("PATH");
        List<String> command = ProcessCommand.of(spec.image(), root, machinePath);
        Path workdir = root.resolve(spec.image().config().workingDir().substring(1));
        ProcessBuilder builder = new ProcessBuilder(command).directory(workdir.toFile());
        Map<String, String> env = builder.environment();
        env.keySet().retainAll(List.of("PATH", "JAVA_HOME"));
        env.putAll(ProcessCommand.environment(spec.image(), root, machinePath));
        env.putAll(spec.environment()); // the task definition overrides the image's ENV, as in Docker
        // Every task on this machine has its own port: it overrides the image's PORT (a Dockerfile's ENV PORT=8080).
        env.put("PORT", Integer.toString(spec.port()));
        // ...and listens on this machine's loopback only: an image's HOST=0.0.0.0 is for a container's own network.
        if (env.containsKey("HOST")) {
            env.put("HOST", LOOPBACK);
        }
        Process process;
        try {
            Files.createDirectories(dir);
            process = builder.start();
        } catch (IOException e) {
            throw new TaskStartException("CannotStartContainerError: failed to start the container process of task " + spec.taskId()
                    + " (container " + spec.containerName() + ", image " + spec.image().digest() + "): " + command + ": " + e.getMessage()
                    + ". Fix: the image's ENTRYPOINT/CMD must name a program this machine can run", e);
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

    /** The image's files, unpacked once per image: layers in order into a fresh folder, moved into place whole. */
    Path root(Image image) {
        return roots.computeIfAbsent(image.digest(), digest -> {
            Path target = imagesDir.resolve(digest.substring("sha256:".length())).resolve("rootfs");
            if (Files.isDirectory(target)) {
                return target;
            }
            Path tmp = target.resolveSibling("rootfs.tmp-" + ProcessHandle.current().pid() + "-" + System.nanoTime());
            try {
                Files.createDirectories(tmp);
                for (Path layer : image.layers()) {
                    LayerTar.extract(layer, tmp);
                }
                // Docker makes the WORKDIR when the container starts if no layer has it.
                Files.createDirectories(tmp.resolve(image.config().workingDir().substring(1)));
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                ProcessLedger.deleteTree(tmp);
                if (Files.isDirectory(target)) {
                    return target; // another runner on the same run dir was first
                }
                throw new UncheckedIOException("Cannot unpack image " + digest + " into " + target + ": " + e.getMessage(), e);
            }
            LOG.debug("Unpacked image {} ({} layers) into {}", image.shortDigest(), image.layers().size(), target);
            return target;
        });
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
        memoryLimits.shutdownNow();
        if (!TaskRunner.stopAll(List.copyOf(running.values()), KILL_WAIT)) {
            LOG.warn("Tasks still running {} after their stopTimeout and SIGKILL: killing them again", running.values());
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
