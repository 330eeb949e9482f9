package dev.preflight.deploy;

import dev.preflight.ecs.Deployment;
import dev.preflight.ecs.EcsRuntime;
import dev.preflight.ecs.ServiceScheduler;
import dev.preflight.image.Image;
import dev.preflight.image.ImageBuildException;
import dev.preflight.image.ImageSource;
import dev.preflight.image.ImageTagAlreadyExistsException;
import dev.preflight.image.PushResult;
import dev.preflight.topology.EcrRepository;
import dev.preflight.topology.EcsService;
import dev.preflight.topology.ImageBuild;
import dev.preflight.topology.Topology;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;

/**
 * The deploy pipeline of the seed, through the real APIs: build the service's image from its ECR
 * repository's build source (its Dockerfile and context, or the process form) with the release's
 * APP_VERSION in its ENV, push it to ECR, register a new task definition revision naming it, update the
 * service, wait for steady state, and post one notification with the result.
 *
 * <p>The task definition keeps the container health check the topology declares; an image's HEALTHCHECK
 * is not copied into it, as ECS acts only on the task definition's (docs/aws-behaviour.md section 7).
 */
public final class DeployPipeline {
    private final EcsRuntime runtime;
    private final DeployNotifier notifier;

    public DeployPipeline(EcsRuntime runtime, DeployNotifier notifier) {
        this.runtime = runtime;
        this.notifier = notifier;
    }

    /** Deploys {@code version} of the service's image; the release behaves normally. */
    public DeployResult deploy(String service, String version) {
        return deploy(service, version, Map.of(), Duration.ofMinutes(2));
    }

    /**
     * Deploys an image whose configuration adds {@code imageEnv} (e.g. APP_HEALTH_FAIL=true for a
     * bad release) to its ENV: the behaviour lives in the image, not in the harness. An image that
     * cannot be built (a Dockerfile that needs RUN, a file the build has not made) fails the deploy
     * with the builder's message, and nothing is pushed.
     */
    public DeployResult deploy(String service, String version, Map<String, String> imageEnv, Duration timeout) {
        return deploy(service, version, runtime.environment().topology(), imageEnv, timeout);
    }

    /**
     * Deploys {@code version} built from the build source that {@code sources} declares for the
     * service's repository (another checkout of the same project: the baseline of a gate run), into
     * this environment.
     */
    public DeployResult deploy(String service, String version, Topology sources, Map<String, String> imageEnv, Duration timeout) {
        EcsService model = model(service);
        return run(service, version, () -> {
            String imageUri = buildAndPush(model.image(), version, sources, imageEnv);
            return registerRevision(service, c -> c.toBuilder().image(imageUri).build());
        }, timeout);
    }

    /**
     * Registers a revision of the service's current task definition changed by {@code change} (same
     * image) and rolls it out, as a team changing only its task definition would: e.g. a container
     * health check on a path the image does not serve, a release that must trip the circuit breaker.
     */
    public DeployResult deployRevision(String service, String label, UnaryOperator<ContainerDefinition> change, Duration timeout) {
        model(service);
        return run(service, label, () -> registerRevision(service, change), timeout);
    }

    /**
     * The infrastructure step of a pipeline that applies, then deploys: applies the changed topology
     * to the running environment (target groups, deployment configuration, autoscaling, secrets, task
     * definitions...) and waits for each rollout that started (a service whose task definition changed
     * runs its current image with the new settings), each within {@code timeout}.
     */
    public ApplyResult apply(Topology changed, Duration timeout) {
        Instant start = Instant.now();
        Map<String, String> before = new LinkedHashMap<>();
        Map<String, Optional<Deployment>> primaries = new LinkedHashMap<>();
        for (ServiceScheduler scheduler : runtime.services()) {
            before.put(scheduler.name(), currentTaskDefinition(scheduler.name()));
            primaries.put(scheduler.name(), scheduler.primary());
        }
        var provision = runtime.environment().apply(changed);
        runtime.refresh();
        Map<String, DeployResult> rollouts = new LinkedHashMap<>();
        before.forEach((service, taskDefinition) -> {
            String now = currentTaskDefinition(service);
            if (!now.equals(taskDefinition)) {
                ServiceScheduler scheduler = runtime.service(service);
                String version = primaries.get(service).map(Deployment::version).orElse("apply");
                DeployResult r = await(service, version, scheduler, primaries.get(service), now, start, timeout);
                notifier.notify(r);
                rollouts.put(service, r);
            }
        });
        return new ApplyResult(provision, rollouts, Duration.between(start, Instant.now()));
    }

    private String currentTaskDefinition(String service) {
        return runtime.environment().aws().ecs().describeServices(r -> r.cluster(runtime.clusterName())
                .services(runtime.awsServiceName(service))).services().get(0).taskDefinition();
    }

    private EcsService model(String service) {
        EcsService model = runtime.environment().topology().ecs().services().get(service);
        if (model == null) {
            throw new IllegalArgumentException("No ECS service '" + service + "' in " + runtime.environment().topology().ecs().services().keySet());
        }
        return model;
    }

    /** Registers the new revision (building and pushing first where it names a new image) and rolls it out. */
    private DeployResult run(String service, String version, Supplier<String> revision, Duration timeout) {
        Instant start = Instant.now();
        DeployResult result;
        try {
            String taskDefinition = revision.get();
            ServiceScheduler scheduler = runtime.service(service);
            Optional<Deployment> before = scheduler.primary();
            runtime.environment().aws().ecs().updateService(r -> r.cluster(runtime.clusterName())
                    .service(runtime.awsServiceName(service)).taskDefinition(taskDefinition));
            result = await(service, version, scheduler, before, taskDefinition, start, timeout);
        } catch (ImageBuildException e) {
            result = new DeployResult(service, environment(), version, DeployResult.Result.FAILED, null,
                    "image build failed: " + e.getMessage(), Duration.between(start, Instant.now()));
        } catch (ImageTagAlreadyExistsException e) {
            result = new DeployResult(service, environment(), version, DeployResult.Result.FAILED, null,
                    "push rejected: " + e.getMessage(), Duration.between(start, Instant.now()));
        }
        notifier.notify(result);
        return result;
    }

    private String buildAndPush(String repository, String version, Topology sources, Map<String, String> imageEnv) {
        Map<String, String> env = new LinkedHashMap<>(imageEnv);
        env.put("APP_VERSION", version);
        Image image = runtime.imageBuilder().build(source(sources, repository), env);
        String repositoryName = runtime.environment().topology().naming().ecrRepository(repository);
        PushResult pushed = runtime.registry().push(repositoryName, version, image);
        return pushed.imageUri();
    }

    /** The repository's build source, as the topology declares it (folders already absolute). */
    private static ImageSource source(Topology sources, String repository) {
        EcrRepository repo = sources.ecr().repositories().get(repository);
        ImageBuild build = repo == null ? null : repo.build();
        if (build == null) {
            throw new IllegalArgumentException("ECR repository '" + repository + "' (ecr.repositories." + repository
                    + ") declares no build, so the pipeline cannot build its image. Fix: add 'build: { dockerfile: Dockerfile, context: <folder> }'"
                    + " (folders relative to the topology folder) or the process form 'build: { process: { command: [...], workingDir: ... } }'");
        }
        if (build.isProcess()) {
            return new ImageSource.FromProcess(build.process().command(), build.process().workingDirPath(), build.process().files());
        }
        return new ImageSource.FromDockerfile(build.dockerfilePath(), build.contextPath());
    }

    /** A copy of the service's current task definition with its container changed (a new image, as a CI pipeline does). */
    private String registerRevision(String service, UnaryOperator<ContainerDefinition> change) {
        var aws = runtime.environment().aws();
        String current = currentTaskDefinition(service);
        TaskDefinition td = aws.ecs().describeTaskDefinition(r -> r.taskDefinition(current)).taskDefinition();
        ContainerDefinition container = change.apply(td.containerDefinitions().get(0));
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
