package dev.preflight.runtime;

import dev.preflight.image.Image;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * What it takes to start one container of a task, as ECS hands it to the container runtime.
 *
 * @param environment the task definition's environment, the resolved secrets, PORT and the AWS_*
 *                    variables, all given by the caller; it overrides the image's env as a task
 *                    definition overrides a Docker image's ENV
 * @param stopTimeout the SIGTERM to SIGKILL gap: AWS's number in real time (the application races it)
 * @param logGroup    the awslogs group, or null when the container ships no logs
 * @param port        the port the container listens on: its container port, or (tasks sharing this
 *                    machine's network) a free port of its own
 * @param logStream   ECS's awslogs form {@code <prefix>/<container>/<taskId>}, or null with no group
 * @param cpuUnits    the task's CPU units (1024 = one vCPU), 0 for no limit
 * @param memoryMiB   the task's memory, 0 for no limit
 */
public record TaskSpec(String taskId, String taskDefinitionArn, String containerName, Image image,
                       Map<String, String> environment, int port, Duration stopTimeout, String logGroup, String logStream,
                       int cpuUnits, int memoryMiB) {
    /** Without limits. */
    public TaskSpec(String taskId, String taskDefinitionArn, String containerName, Image image,
                    Map<String, String> environment, int port, Duration stopTimeout, String logGroup, String logStream) {
        this(taskId, taskDefinitionArn, containerName, image, environment, port, stopTimeout, logGroup, logStream, 0, 0);
    }

    public TaskSpec {
        if (taskId == null || taskId.isBlank()) {
            throw new IllegalArgumentException("A task needs an id");
        }
        Objects.requireNonNull(image, "image of task " + taskId);
        Objects.requireNonNull(stopTimeout, "stopTimeout of task " + taskId);
        if (stopTimeout.isNegative()) {
            throw new IllegalArgumentException("Task " + taskId + ": stopTimeout " + stopTimeout + " is negative");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("Task " + taskId + ": port " + port + " is not a TCP port (1-65535)");
        }
        if ((logGroup == null) != (logStream == null)) {
            throw new IllegalArgumentException("Task " + taskId + ": give both a log group and a log stream, or neither (got group "
                    + logGroup + ", stream " + logStream + ")");
        }
        environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment == null ? Map.of() : environment));
        environment.forEach((name, value) -> {
            if (name == null || name.isEmpty() || name.contains("=") || value == null) {
                throw new IllegalArgumentException("Task " + taskId + ": environment variable '" + name + "' has no valid name or a null value");
            }
        });
        if (cpuUnits < 0 || memoryMiB < 0) {
            throw new IllegalArgumentException("Task " + taskId + ": cpu " + cpuUnits + " and memory " + memoryMiB + " cannot be negative");
        }
    }

    /** ECS's awslogs stream name: {@code <prefix>/<container name>/<task id>}. */
    public static String awslogsStream(String prefix, String containerName, String taskId) {
        return prefix + "/" + containerName + "/" + taskId;
    }
}
