package dev.preflight.ecs;

import dev.preflight.aws.AwsClients;
import dev.preflight.engine.LocalPorts;
import dev.preflight.iam.TaskRoleAccess;
import dev.preflight.image.EcrRegistry;
import dev.preflight.image.Image;
import dev.preflight.runtime.ContainerEnvironment;
import dev.preflight.runtime.RunningTask;
import dev.preflight.runtime.SecretResolver;
import dev.preflight.runtime.TaskRunner;
import dev.preflight.runtime.TaskSpec;
import dev.preflight.runtime.TaskStartException;
import dev.preflight.time.TimeScale;
import java.net.URI;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;

/**
 * Starts a task as ECS does: reads the task definition, pulls the image by its ECR URI (tag to
 * digest to image), resolves the secrets now (never later), gives the container a port and its
 * log stream, and hands it to the task runner. A failure is an ECS-worded {@link LaunchException}.
 */
final class TaskLauncher implements TaskStarter {
    private final AwsClients aws;
    private final EcrRegistry registry;
    private final TaskRunner runner;
    private final TimeScale scale;
    private final Map<String, TaskDefinition> definitions = new ConcurrentHashMap<>();
    private volatile URI awsEndpoint;
    private volatile TaskRoleAccess access;

    TaskLauncher(AwsClients aws, EcrRegistry registry, TaskRunner runner, TimeScale scale) {
        this.aws = aws;
        this.registry = registry;
        this.runner = runner;
        this.scale = scale;
        this.awsEndpoint = aws.endpoint();
    }

    /** The AWS endpoint tasks get as AWS_ENDPOINT_URL: the engine's, or the AWS front in front of it. */
    URI awsEndpoint() {
        return awsEndpoint;
    }

    void awsEndpoint(URI endpoint) {
        this.awsEndpoint = Objects.requireNonNull(endpoint, "endpoint");
    }

    /** Tasks started from now on that share this machine's network get their task role's credentials from it. */
    void taskRoleAccess(TaskRoleAccess newAccess) {
        this.access = newAccess;
    }

    TaskDefinition definition(String arn) {
        return definitions.computeIfAbsent(arn, a -> aws.ecs().describeTaskDefinition(r -> r.taskDefinition(a)).taskDefinition());
    }

    /** The essential container: Preflight's services have one. */
    @Override
    public ContainerDefinition container(String taskDefinitionArn) {
        return definition(taskDefinitionArn).containerDefinitions().get(0);
    }

    /** The APP_VERSION the task definition's image carries, or its tag. */
    @Override
    public String version(String taskDefinitionArn) {
        String image = container(taskDefinitionArn).image();
        try {
            Image resolved = registry.resolve(image);
            String v = resolved.config().env().get("APP_VERSION");
            if (v != null) {
                return v;
            }
        } catch (RuntimeException e) {
            // fall back to the tag: the image may not exist (yet)
        }
        int colon = image.lastIndexOf(':');
        return colon > image.lastIndexOf('/') ? image.substring(colon + 1) : image;
    }

    @Override
    public RunningTask launch(String taskId, String clusterName, String taskDefinitionArn) {
        ContainerDefinition container = container(taskDefinitionArn);
        Image image;
        try {
            image = registry.resolve(container.image());
        } catch (RuntimeException e) {
            throw new LaunchException("CannotPullContainerError: pull image manifest has been retried 1 time(s): "
                    + container.image() + ": " + e.getMessage(), e);
        }
        // Processes share this machine's network: each gets a port of its own, in PORT. A container listens
        // on its container port, as on Fargate, and gets no PORT it did not ask for.
        boolean shared = runner.sharesHostNetwork();
        int port = shared ? LocalPorts.freePort() : containerPort(container);
        TaskDefinition definition = definition(taskDefinitionArn);
        Map<String, String> environment;
        try {
            // A container reaches the engine at its own endpoint (on the run's network), not at this machine's loopback,
            // nor the credentials endpoint (SDKs take it only on loopback or ECS's link-local address): it gets the engine's keys.
            TaskRoleAccess roles = access;
            Map<String, String> credentials = !shared || roles == null ? null
                    : definition.taskRoleArn() == null || definition.taskRoleArn().isBlank() ? Map.of()
                    : roles.issue(taskId, definition.family(), definition.taskRoleArn());
            environment = ContainerEnvironment.of(container, new SecretResolver(aws.secrets()), aws, shared ? awsEndpoint : aws.endpoint(),
                    shared ? port : null, credentials);
        } catch (RuntimeException e) {
            throw new LaunchException("ResourceInitializationError: unable to pull secrets or registry auth: " + e.getMessage(), e);
        }
        Map<String, String> logOptions = container.logConfiguration() == null ? Map.of() : container.logConfiguration().options();
        String group = logOptions.get("awslogs-group");
        String prefix = logOptions.getOrDefault("awslogs-stream-prefix", clusterName);
        String stream = prefix + "/" + container.name() + "/" + taskId;
        // stopTimeout is a deadline the application races: AWS's number, in real time.
        int stopTimeout = container.stopTimeout() == null ? 30 : container.stopTimeout();
        TaskSpec spec = new TaskSpec(taskId, taskDefinitionArn, container.name(), image, environment, port,
                scale.real(stopTimeout), group, stream, units(definition.cpu()), units(definition.memory()));
        try {
            return runner.start(spec);
        } catch (TaskStartException e) {
            throw new LaunchException(e.getMessage(), e); // already ECS's CannotStartContainerError
        }
    }

    private static int containerPort(ContainerDefinition container) {
        return container.portMappings().isEmpty() || container.portMappings().get(0).containerPort() == null ? 8080
                : container.portMappings().get(0).containerPort();
    }

    /** Fargate's task cpu and memory are strings of a number ("512"); absent is no limit. */
    private static int units(String value) {
        try {
            return value == null || value.isBlank() ? 0 : Integer.parseInt(value.trim());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** A task that could not start, with ECS's stoppedReason. */
    static final class LaunchException extends RuntimeException {
        LaunchException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
