package dev.preflight.deploy;

import dev.preflight.ecs.Deployment;
import dev.preflight.ecs.EcsRuntime;
import dev.preflight.ecs.ServiceScheduler;
import dev.preflight.image.Image;
import dev.preflight.image.ImageSource;
import dev.preflight.image.ImageTagAlreadyExistsException;
import dev.preflight.image.PushResult;
import dev.preflight.topology.EcsService;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;

/**
 * The deploy pipeline of the seed, through the real APIs: build the image, push it to ECR,
 * register a new task definition revision naming it, update the service, wait for steady state,
 * and post one notification with the result.
 */
public final class DeployPipeline {
    private final EcsRuntime runtime;
    private final Path appJar;
    private final DeployNotifier notifier;

    public DeployPipeline(EcsRuntime runtime, Path appJar, DeployNotifier notifier) {
        this.runtime = runtime;
        this.appJar = appJar;
        this.notifier = notifier;
    }

    /** Deploys {@code version} of the sample app to a service; the release behaves normally. */
    public DeployResult deploy(String service, String version) {
        return deploy(service, version, Map.of(), Duration.ofMinutes(2));
    }

    /**
     * Deploys an image whose configuration adds {@code imageEnv} (e.g. APP_HEALTH_FAIL=true for a
     * bad release): the behaviour lives in the image, not in the harness.
     */
    public DeployResult deploy(String service, String version, Map<String, String> imageEnv, Duration timeout) {
        Instant start = Instant.now();
        EcsService model = runtime.environment().topology().ecs().services().get(service);
        if (model == null) {
            throw new IllegalArgumentException("No ECS service '" + service + "' in " + runtime.environment().topology().ecs().services().keySet());
        }
        DeployResult result;
        try {
            String imageUri = buildAndPush(model.image(), version, imageEnv);
            String taskDefinition = registerRevision(service, imageUri);
            ServiceScheduler scheduler = runtime.service(service);
            Optional<Deployment> before = scheduler.primary();
            runtime.environment().aws().ecs().updateService(r -> r.cluster(runtime.clusterName())
                    .service(runtime.awsServiceName(service)).taskDefinition(taskDefinition));
            result = await(service, version, scheduler, before, taskDefinition, start, timeout);
        } catch (ImageTagAlreadyExistsException e) {
            result = new DeployResult(service, environment(), version, DeployResult.Result.FAILED, null,
                    "push rejected: " + e.getMessage(), Duration.between(start, Instant.now()));
        }
        notifier.notify(result);
        return result;
    }

    private String buildAndPush(String repository, String version, Map<String, String> imageEnv) {
        Map<String, String> env = new LinkedHashMap<>(imageEnv);
        env.put("APP_VERSION", version);
        // The jar alone, as a process-form image, until the pipeline builds the repository's own build source.
        String jar = appJar.getFileName().toString();
        Image image = runtime.imageBuilder().build(new ImageSource.FromProcess(List.of("java", "-XX:TieredStopAtLevel=1", "-Xss512k",
                "-XX:+UseSerialGC", "-Xmx96m", "-jar", jar), appJar.toAbsolutePath().getParent(), List.of(jar)), env);
        String repositoryName = runtime.environment().topology().naming().ecrRepository(repository);
        PushResult pushed = runtime.registry().push(repositoryName, version, image);
        return pushed.imageUri();
    }

    /** A copy of the service's current task definition with the new image, as a CI pipeline does. */
    private String registerRevision(String service, String imageUri) {
        var aws = runtime.environment().aws();
        String current = aws.ecs().describeServices(r -> r.cluster(runtime.clusterName()).services(runtime.awsServiceName(service)))
                .services().get(0).taskDefinition();
        TaskDefinition td = aws.ecs().describeTaskDefinition(r -> r.taskDefinition(current)).taskDefinition();
        ContainerDefinition container = td.containerDefinitions().get(0).toBuilder().image(imageUri).build();
        RegisterTaskDefinitionRequest request = RegisterTaskDefinitionRequest.builder()
                .family(td.family()).taskRoleArn(td.taskRoleArn()).executionRoleArn(td.executionRoleArn())
                .networkMode(td.networkMode()).requiresCompatibilities(td.requiresCompatibilities())
                .cpu(td.cpu()).memory(td.memory()).containerDefinitions(container).build();
        return aws.ecs().registerTaskDefinition(request).taskDefinition().taskDefinitionArn();
    }

    private DeployResult await(String service, String version, ServiceScheduler scheduler, Optional<Deployment> before,
                               String taskDefinition, Instant start, Duration timeout) {
        Instant deadline = start.plus(timeout);
        Deployment ours = null;
        while (Instant.now().isBefore(deadline)) {
            if (ours == null) {
                ours = scheduler.deployments().stream()
                        .filter(d -> d.taskDefinitionArn().equals(taskDefinition) && before.map(b -> b != d).orElse(true))
                        .findFirst().orElse(null);
            }
            if (ours != null) {
                if (ours.rolloutState() == Deployment.RolloutState.COMPLETED && scheduler.steadyState()) {
                    return result(service, version, DeployResult.Result.SUCCEEDED, ours, null, start);
                }
                if (ours.rolloutState() == Deployment.RolloutState.FAILED) {
                    Optional<Deployment> rollback = scheduler.primary().filter(Deployment::isRollback);
                    if (rollback.isEmpty()) {
                        return result(service, version, DeployResult.Result.FAILED, ours, ours.rolloutStateReason(), start);
                    }
                    if (rollback.get().rolloutState() == Deployment.RolloutState.COMPLETED && scheduler.steadyState()) {
                        return result(service, version, DeployResult.Result.ROLLED_BACK, ours, ours.rolloutStateReason(), start);
                    }
                }
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return result(service, version, DeployResult.Result.FAILED, ours,
                "no steady state within " + timeout.toSeconds() + " s; deployments: " + scheduler.deployments(), start);
    }

    private DeployResult result(String service, String version, DeployResult.Result result, Deployment deployment, String reason, Instant start) {
        if (reason != null && deployment != null) {
            reason = reason + taskStopReasons(service, deployment);
        }
        return new DeployResult(service, environment(), version, result, deployment == null ? null : deployment.id(), reason,
                Duration.between(start, Instant.now()));
    }

    /** Why the deployment's tasks stopped, counted: what an engineer looks at first. */
    private String taskStopReasons(String service, Deployment deployment) {
        Map<String, Long> reasons = new java.util.TreeMap<>();
        runtime.service(service).tasks().stream().filter(t -> t.deployment() == deployment && t.stoppedReason() != null)
                .forEach(t -> reasons.merge(t.stoppedReason(), 1L, Long::sum));
        return reasons.isEmpty() ? "" : "; stopped tasks: " + reasons.entrySet().stream()
                .map(e -> e.getValue() + " x " + e.getKey()).collect(java.util.stream.Collectors.joining(", "));
    }

    private String environment() {
        return runtime.environment().name();
    }
}
