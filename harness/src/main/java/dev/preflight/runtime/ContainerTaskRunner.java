package dev.preflight.runtime;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import dev.preflight.engine.ContainerNetwork;
import dev.preflight.engine.LocalPorts;
import dev.preflight.engine.ProcessLedger;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;

/**
 * Runs task containers in Docker from their real images, as the ECS agent runs them on Fargate: the
 * task definition's environment on top of the image's, the container port published on 127.0.0.1 at a
 * free port (so an app with a fixed port runs as many tasks as it likes), the task's CPU and memory as
 * the container's limits (memory without swap, as on Fargate), on the run's network, where the engines
 * are. The image's USER, STOPSIGNAL and WORKDIR are Docker's to honour.
 *
 * <p>Every container carries the owner label and is in the ledger from its creation to its removal,
 * so a run killed outright has its tasks removed by the next one.
 */
public final class ContainerTaskRunner implements TaskRunner {
    private static final Logger LOG = LoggerFactory.getLogger(ContainerTaskRunner.class);
    /** Beyond a task's stopTimeout, how long close() waits for Docker's SIGKILL to take. */
    private static final Duration KILL_WAIT = Duration.ofSeconds(15);
    static final String TASK_LABEL = "dev.preflight.task";

    private final ProcessLedger ledger;
    private final ContainerNetwork network;
    private final Path tasksDir;
    private final TaskLogShipper logs;
    private final DockerClient docker;
    private final Map<String, ContainerTask> running = new ConcurrentHashMap<>();
    private volatile boolean closed;
    /** A JVM that exits without closing the runner removes its containers on the way out, as the process runner kills its processes. */
    private final Thread shutdownHook = new Thread(this::removeAll, "container-task-runner-shutdown");

    public ContainerTaskRunner(ProcessLedger ledger, ContainerNetwork network, Path runDir, TaskLogShipper logs) {
        this.ledger = java.util.Objects.requireNonNull(ledger, "ledger");
        this.network = java.util.Objects.requireNonNull(network, "network (container tasks need the containers engines)");
        this.tasksDir = runDir.resolve("tasks");
        this.logs = java.util.Objects.requireNonNull(logs, "logs (a TaskLogShipper)");
        this.docker = DockerClientFactory.instance().client();
        if (!network.gatewayIsLocal()) {
            throw new IllegalStateException("Tasks as containers reach the engines at the Docker network's gateway (" + network
                    + "), which is not an address of this machine (Docker Desktop keeps its bridge in a VM). Fix: run tasks as processes"
                    + " (preflight.tasks=processes; the containers engines work with them), or use Docker on Linux");
        }
        Runtime.getRuntime().addShutdownHook(shutdownHook);
    }

    @Override
    public boolean sharesHostNetwork() {
        return false;
    }

    @Override
    public RunningTask start(TaskSpec spec) {
        if (closed) {
            throw new IllegalStateException("Cannot start task " + spec.taskId() + ": the task runner is closed");
        }
        if (running.containsKey(spec.taskId())) {
            throw new IllegalArgumentException("Task " + spec.taskId() + " is already running. Fix: give every task its own id");
        }
        String image = spec.image().dockerImageId().orElseThrow(() -> new TaskStartException("CannotPullContainerError: image "
                + spec.image().digest() + " was built without Docker (its files only, no base image), so it cannot run as a container."
                + " Fix: build it with the containers pipeline (preflight.tasks=containers), which builds with Docker", null));
        ExposedPort port = ExposedPort.tcp(spec.port());
        HostConfig host = HostConfig.newHostConfig()
                .withPortBindings(new PortBinding(Ports.Binding.bindIp(LocalPorts.LOOPBACK), port))
                .withNetworkMode(network.name());
        if (spec.memoryMiB() > 0) {
            long bytes = spec.memoryMiB() * 1024L * 1024L;
            host.withMemory(bytes).withMemorySwap(bytes);
        }
        if (spec.cpuUnits() > 0) {
            host.withNanoCPUs(spec.cpuUnits() * 1_000_000_000L / 1024);
        }
        String id;
        ledger.usesDocker();
        try {
            id = docker.createContainerCmd(image)
                    .withName("preflight-" + spec.taskId().replaceAll("[^A-Za-z0-9_.-]", "-"))
                    .withEnv(spec.environment().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList())
                    .withExposedPorts(port)
                    .withHostConfig(host)
                    .withLabels(Map.of(ProcessLedger.OWNER_LABEL, ProcessLedger.owner(), TASK_LABEL, spec.taskId()))
                    .exec().getId();
        } catch (NotFoundException e) {
            throw new TaskStartException("CannotPullContainerError: image " + image + " (" + spec.image().digest() + ") is not in the Docker engine: "
                    + e.getMessage() + ". Fix: build it with the containers pipeline (preflight.tasks=containers) before deploying", e);
        } catch (DockerException e) {
            throw new TaskStartException("CannotCreateContainerError: " + e.getMessage(), e);
        }
        ledger.trackContainer(id);
        InspectContainerResponse started;
        try {
            docker.startContainerCmd(id).exec();
            started = docker.inspectContainerCmd(id).exec();
        } catch (DockerException e) {
            remove(id);
            throw new TaskStartException("CannotStartContainerError: task " + spec.taskId() + " (container " + spec.containerName() + ", image "
                    + spec.image().shortDigest() + "): " + e.getMessage() + ". Fix: the image's ENTRYPOINT/CMD must be a program the image holds", e);
        }
        Ports.Binding[] bindings = started.getNetworkSettings().getPorts().getBindings().get(port);
        if (bindings == null || bindings.length == 0) {
            remove(id);
            throw new TaskStartException("CannotStartContainerError: task " + spec.taskId() + ": Docker published no host port for " + port, null);
        }
        Path dir = tasksDir.resolve(spec.taskId().replaceAll("[^A-Za-z0-9._-]", "_"));
        try {
            Files.createDirectories(dir);
            TaskLogShipper.Stream stream = spec.logGroup() == null ? null : logs.open(spec.logGroup(), spec.logStream());
            ContainerTask task = new ContainerTask(spec, docker, id, Integer.parseInt(bindings[0].getHostPortSpec()),
                    started.getState().getPidLong() == null ? -1 : started.getState().getPidLong(), dir.resolve("output.log"), stream,
                    exited -> {
                        running.remove(exited.taskId(), exited);
                        remove(id);
                    });
            running.put(spec.taskId(), task);
            LOG.debug("Started {}", task);
            return task;
        } catch (IOException | RuntimeException e) {
            remove(id);
            throw new IllegalStateException("Task " + spec.taskId() + " started but cannot be watched: " + e.getMessage(), e);
        }
    }

    /** Removes the container (it has exited, or failed to start) and forgets it. */
    private void remove(String id) {
        try {
            docker.removeContainerCmd(id).withForce(true).exec();
        } catch (NotFoundException gone) {
            // removed already
        } catch (DockerException e) {
            LOG.warn("Could not remove task container {}: {}", id, e.getMessage());
            return;
        }
        ledger.forgetContainer(id);
    }

    public List<RunningTask> tasks() {
        return List.copyOf(running.values());
    }

    /** Stops every task still running (Docker's stop: STOPSIGNAL, SIGKILL after each one's stopTimeout) and waits. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (!TaskRunner.stopAll(List.copyOf(running.values()), KILL_WAIT)) {
            LOG.warn("Task containers {} did not stop in time: killing them", running.keySet());
        }
        running.values().forEach(ContainerTask::kill);
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down: the hook runs anyway
        }
    }

    private void removeAll() {
        running.values().forEach(t -> remove(t.containerId()));
    }
}
