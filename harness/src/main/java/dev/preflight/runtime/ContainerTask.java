package dev.preflight.runtime;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.WaitResponse;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task container in Docker: its output followed line by line into the local log and the log
 * shipper, its stop Docker's (the image's STOPSIGNAL, SIGKILL after stopTimeout), its health check
 * run inside it, its exit reported once its output is drained, with ECS's reason for an
 * out-of-memory kill.
 */
final class ContainerTask implements RunningTask {
    private static final Logger LOG = LoggerFactory.getLogger(ContainerTask.class);
    private static final long DRAIN_MILLIS = 2_000;

    private final TaskSpec spec;
    private final DockerClient docker;
    private final String containerId;
    private final int hostPort;
    private final long pid;
    private final Instant startedAt = Instant.now();
    private final Path localLog;
    private final BufferedWriter log;
    private final TaskLogShipper.Stream shipped;
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private final CompletableFuture<Void> outputDone = new CompletableFuture<>();
    private final AtomicBoolean stopRequested = new AtomicBoolean();
    private final StringBuilder partial = new StringBuilder();
    private volatile Instant stopBegan;
    private volatile boolean stoppedBySigkill;
    private volatile String containerReason;

    ContainerTask(TaskSpec spec, DockerClient docker, String containerId, int hostPort, long pid, Path localLog,
                  TaskLogShipper.Stream shipped, Consumer<ContainerTask> onExit) throws IOException {
        this.spec = spec;
        this.docker = docker;
        this.containerId = containerId;
        this.hostPort = hostPort;
        this.pid = pid;
        this.localLog = localLog;
        this.shipped = shipped;
        this.log = Files.newBufferedWriter(localLog, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        followOutput();
        Thread waiter = new Thread(() -> waitForExit(onExit), "task-" + spec.taskId() + "-wait");
        waiter.setDaemon(true);
        waiter.start();
    }

    private void followOutput() {
        docker.logContainerCmd(containerId).withStdOut(true).withStdErr(true).withFollowStream(true)
                .exec(new ResultCallback.Adapter<Frame>() {
                    @Override
                    public void onNext(Frame frame) {
                        text(new String(frame.getPayload(), StandardCharsets.UTF_8));
                    }

                    @Override
                    public void onError(Throwable throwable) {
                        LOG.debug("Following the output of task {} ended: {}", spec.taskId(), throwable.getMessage());
                        outputDone.complete(null);
                    }

                    @Override
                    public void onComplete() {
                        outputDone.complete(null);
                    }
                });
    }

    /** Docker's frames are not lines: split them, keeping a partial last line for the next frame. */
    private synchronized void text(String chunk) {
        partial.append(chunk);
        int newline;
        while ((newline = partial.indexOf("\n")) >= 0) {
            String line = partial.substring(0, newline);
            partial.delete(0, newline + 1);
            line(line.endsWith("\r") ? line.substring(0, line.length() - 1) : line);
        }
    }

    private void line(String line) {
        try {
            log.write(line);
            log.newLine();
            log.flush(); // a scenario reads the log while the task runs
        } catch (IOException e) {
            LOG.debug("Cannot write the local log {}: {}", localLog, e.getMessage());
        }
        if (shipped != null) {
            shipped.append(line);
        }
    }

    private void waitForExit(Consumer<ContainerTask> onExit) {
        int code;
        try {
            code = docker.waitContainerCmd(containerId).exec(new ResultCallback.Adapter<WaitResponse>() {
                volatile Integer status;

                @Override
                public void onNext(WaitResponse response) {
                    status = response.getStatusCode();
                }

                Integer await() throws InterruptedException {
                    awaitCompletion();
                    return status;
                }
            }).await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            code = 137;
        } catch (RuntimeException e) {
            code = 137; // the container vanished under us (removed by hand): as a SIGKILL
        }
        try {
            InspectContainerResponse.ContainerState state = docker.inspectContainerCmd(containerId).exec().getState();
            if (Boolean.TRUE.equals(state.getOOMKilled())) {
                containerReason = OUT_OF_MEMORY;
            }
            if (state.getExitCodeLong() != null) {
                code = state.getExitCodeLong().intValue();
            }
        } catch (NotFoundException | NullPointerException gone) {
            // keep the wait's answer
        }
        if (stopBegan != null && code == 137 && containerReason == null
                && !Instant.now().isBefore(stopBegan.plus(spec.stopTimeout()))) {
            stoppedBySigkill = true; // before the exit is reported
        }
        try {
            outputDone.get(DRAIN_MILLIS, TimeUnit.MILLISECONDS);
        } catch (Exception ignored) {
            // what came is shipped
        }
        synchronized (this) {
            if (partial.length() > 0) {
                line(partial.toString());
                partial.setLength(0);
            }
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
        if (stopBegan == null && code != 0) {
            LOG.warn("Task {} exited with {} on its own{}; its last output: {}", spec.taskId(), code,
                    containerReason == null ? "" : " (" + containerReason + ")", lastLines(5));
        }
        try {
            onExit.accept(this);
        } finally {
            exit.complete(code);
        }
    }

    private String lastLines(int n) {
        try {
            List<String> lines = Files.readAllLines(localLog, StandardCharsets.UTF_8);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - n), lines.size()));
        } catch (IOException e) {
            return "(none)";
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
        return hostPort;
    }

    @Override
    public long pid() {
        return pid;
    }

    @Override
    public boolean isAlive() {
        return !exit.isDone();
    }

    @Override
    public OptionalInt exitCode() {
        return exit.isDone() ? OptionalInt.of(exit.join()) : OptionalInt.empty();
    }

    @Override
    public CompletableFuture<Integer> stop() {
        if (stopRequested.compareAndSet(false, true)) {
            stopBegan = Instant.now();
            int seconds = (int) Math.max(0, (spec.stopTimeout().toMillis() + 999) / 1000);
            CompletableFuture.runAsync(() -> {
                try {
                    docker.stopContainerCmd(containerId).withTimeout(seconds).exec();
                } catch (NotFoundException gone) {
                    // exited and removed already
                } catch (DockerException e) {
                    LOG.debug("docker stop of task {}: {}", spec.taskId(), e.getMessage());
                }
            });
        }
        return exit.copy();
    }

    @Override
    public void kill() {
        try {
            docker.killContainerCmd(containerId).exec();
        } catch (DockerException gone) {
            // not running any more
        }
    }

    @Override
    public int exec(List<String> command, Duration timeout) {
        try {
            String execId = docker.execCreateCmd(containerId).withCmd(command.toArray(String[]::new))
                    .withAttachStdout(true).withAttachStderr(true).exec().getId();
            boolean done = docker.execStartCmd(execId).exec(new ResultCallback.Adapter<Frame>())
                    .awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!done) {
                return -1; // Docker's health check counts a check that outlives its timeout as failed
            }
            Long code = docker.inspectExecCmd(execId).exec().getExitCodeLong();
            return code == null ? -1 : code.intValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } catch (DockerException | IllegalStateException e) {
            return -1; // the container is gone or not running: the check fails
        }
    }

    String containerId() {
        return containerId;
    }

    @Override
    public String runsAs() {
        return "Docker container " + containerId.substring(0, 12) + " (image " + spec.image().dockerImageId().orElse("?").substring(7, 19)
                + ", cpu " + spec.cpuUnits() + ", memory " + spec.memoryMiB() + " MiB)";
    }

    /**
     * A docker exec costs about 60 ms of CPU (runc, the shim, the command): probed every 100 ms, three
     * starting tasks took the two cores of this machine and stalled the load balancer for seconds.
     */
    @Override
    public Duration minimumProbeSpacing() {
        return Duration.ofSeconds(1);
    }

    @Override
    public Optional<String> containerReason() {
        return Optional.ofNullable(containerReason);
    }

    @Override
    public CompletableFuture<Integer> onExit() {
        return exit.copy();
    }

    @Override
    public Path localLog() {
        return localLog;
    }

    @Override
    public boolean stoppedBySigkill() {
        return stoppedBySigkill;
    }

    @Override
    public String toString() {
        return "task " + spec.taskId() + " (container " + containerId.substring(0, 12) + ", 127.0.0.1:" + hostPort + ", image "
                + spec.image().shortDigest() + ")";
    }
}
