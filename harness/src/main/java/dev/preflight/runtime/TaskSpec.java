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
 * @param logStream   ECS's awslogs form {@code <prefix>/<container>/<taskId>}, or null with no group
 */
public record TaskSpec(String taskId, String taskDefinitionArn, String containerName, Image image,
                       Map<String, String> environment, int port, Duration stopTimeout, String logGroup, String logStream) {
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
        String declared = environment.get("PORT");
        if (declared != null && !declared.equals(Integer.toString(port))) {
            throw new IllegalArgumentException("Task " + taskId + ": environment PORT=" + declared + " but the task's port is " + port
                    + ". Fix: give the container the port it is registered with");
        }
    }

    /** ECS's awslogs stream name: {@code <prefix>/<container name>/<task id>}. */
    public static String awslogsStream(String prefix, String containerName, String taskId) {
        return prefix + "/" + containerName + "/" + taskId;
    }
}
