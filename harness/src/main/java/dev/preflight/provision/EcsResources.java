package dev.preflight.provision;

import static dev.preflight.provision.Placeholders.KNOWN_AFTER_APPLY;
import static dev.preflight.provision.Placeholders.known;
import static dev.preflight.provision.Placeholders.output;

import dev.preflight.topology.Container;
import dev.preflight.topology.DeploymentConfiguration;
import dev.preflight.topology.Ecs;
import dev.preflight.topology.EcsService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.AssignPublicIp;
import software.amazon.awssdk.services.ecs.model.Cluster;
import software.amazon.awssdk.services.ecs.model.ClusterContainsServicesException;
import software.amazon.awssdk.services.ecs.model.ClusterContainsTasksException;
import software.amazon.awssdk.services.ecs.model.ClusterNotFoundException;
import software.amazon.awssdk.services.ecs.model.Compatibility;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.DeploymentControllerType;
import software.amazon.awssdk.services.ecs.model.HealthCheck;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.LaunchType;
import software.amazon.awssdk.services.ecs.model.LogDriver;
import software.amazon.awssdk.services.ecs.model.NetworkConfiguration;
import software.amazon.awssdk.services.ecs.model.NetworkMode;
import software.amazon.awssdk.services.ecs.model.PortMapping;
import software.amazon.awssdk.services.ecs.model.PropagateTags;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.Secret;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.ServiceNotActiveException;
import software.amazon.awssdk.services.ecs.model.ServiceNotFoundException;
import software.amazon.awssdk.services.ecs.model.Tag;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.ecs.model.TransportProtocol;
import software.amazon.awssdk.services.ecs.model.UpdateServiceRequest;

/**
 * The ECS cluster, one Fargate task definition per service (one container) and the services behind
 * the load balancer's target groups.
 *
 * <p>What moto 5.2.1 does with this (checked by running it):
 * <ul>
 * <li>RegisterTaskDefinition keeps every field we send, and adds container {@code cpu: 0}, empty
 *     mountPoints/volumesFrom and compatibilities [EC2, FARGATE]: only the fields we set are compared.</li>
 * <li>DescribeTaskDefinition by family returns the newest revision even when it is INACTIVE, and
 *     ListTaskDefinitions ignores {@code sort}: the latest ACTIVE revision is found from the list.</li>
 * <li>CreateService drops deploymentConfiguration, healthCheckGracePeriodSeconds and
 *     enableExecuteCommand; UpdateService stores them. So a create is followed by an UpdateService
 *     that sets what the engine dropped, and a missing value on describe counts as different.</li>
 * <li>CreateService starts no task, and without securityGroups it answers 500.</li>
 * </ul>
 */
final class EcsResources implements ResourceKind {
    private static final String IMAGE_TAG = "latest";
    /** AWS keeps a deleted service DRAINING for a while; the cluster cannot be deleted until then. */
    private static final Duration DRAIN_WAIT = Duration.ofSeconds(60);

    @Override
    public String title() {
        return "ecs";
    }

    @Override
    public void reconcile(ProvisionContext ctx) {
        Ecs ecs = ctx.topology().ecs();
        if (ecs == null) {
            return;
        }
        boolean clusterExists = reconcileCluster(ctx, ecs);
        ecs.services().forEach((name, service) -> {
            String taskDefinitionArn = reconcileTaskDefinition(ctx, name, service);
            reconcileService(ctx, ecs, clusterExists, name, service, taskDefinitionArn);
        });
    }

    @Override
    public void destroy(ProvisionContext ctx) {
        Ecs ecs = ctx.topology().ecs();
        if (ecs == null) {
            return;
        }
        EcsClient client = ctx.aws().ecs();
        String cluster = ctx.naming().of(ecs.cluster());
        Optional<Cluster> actualCluster = findCluster(client, cluster);
        for (String name : ecs.services().keySet()) {
            if (actualCluster.isPresent()) {
                findService(client, cluster, ctx.naming().of(name)).ifPresent(service ->
                        ctx.delete(serviceResource(ctx, name), () -> deleteService(client, cluster, service)));
            }
            ctx.outputs().remove("service", name);
        }
        for (String name : ecs.services().keySet()) {
            List<String> revisions = activeRevisions(client, ctx.naming().of(name));
            if (!revisions.isEmpty()) {
                ctx.delete(taskDefinitionResource(ctx, name) + " (" + revisions.size() + " revisions)",
                        () -> revisions.forEach(arn -> client.deregisterTaskDefinition(r -> r.taskDefinition(arn))));
            }
            ctx.outputs().remove("taskDefinition", name);
        }
        actualCluster.ifPresent(c -> ctx.delete(clusterResource(ctx, ecs.cluster()), () -> deleteCluster(client, cluster)));
        ctx.outputs().remove("cluster", ecs.cluster());
    }

    // ---- cluster -----------------------------------------------------------------------------------

    /** True when the cluster exists (or was just created); false only in a plan. */
    private boolean reconcileCluster(ProvisionContext ctx, Ecs ecs) {
        EcsClient client = ctx.aws().ecs();
        String name = ctx.naming().of(ecs.cluster());
        Optional<Cluster> actual = findCluster(client, name);
        if (actual.isPresent()) {
            ctx.outputs().put("cluster", ecs.cluster(), actual.get().clusterArn());
            ctx.unchanged(clusterResource(ctx, ecs.cluster()));
            return true;
        }
        ctx.create(clusterResource(ctx, ecs.cluster()), () -> {
            Cluster created = client.createCluster(r -> r.clusterName(name).tags(tags(ctx, name))).cluster();
            ctx.outputs().put("cluster", ecs.cluster(), created.clusterArn());
        });
        return !ctx.dryRun();
    }

    // ---- task definition ---------------------------------------------------------------------------

    /** The ARN of the task definition revision the service should run; unknown in a plan that registers one. */
    private String reconcileTaskDefinition(ProvisionContext ctx, String name, EcsService service) {
        EcsClient client = ctx.aws().ecs();
        String family = ctx.naming().of(name);
        Optional<TaskDefinition> latest = latestActiveRevision(client, family);
        RegisterTaskDefinitionRequest desired = desiredTaskDefinition(ctx, name, service, deployedImage(ctx, name, service));
        AtomicReference<String> arn = new AtomicReference<>(KNOWN_AFTER_APPLY + " taskDefinition/" + name);
        Runnable register = () -> {
            String registered = client.registerTaskDefinition(desired).taskDefinition().taskDefinitionArn();
            ctx.outputs().put("taskDefinition", name, registered);
            arn.set(registered);
        };
        if (latest.isEmpty()) {
            ctx.create(taskDefinitionResource(ctx, name), register);
            return arn.get();
        }
        Differences differences = new Differences();
        compareTaskDefinition(latest.get(), desired, differences);
        if (!differences.any()) {
            ctx.outputs().put("taskDefinition", name, latest.get().taskDefinitionArn());
            ctx.unchanged(taskDefinitionResource(ctx, name));
            return latest.get().taskDefinitionArn();
        }
        differences.fix(register);
        differences.report(ctx, taskDefinitionResource(ctx, name));
        return arn.get();
    }

    /**
     * The image the service runs now when a deploy pipeline put it there (a tag of its repository other
     * than the placeholder): the image is the pipeline's to change, so an apply that changes other
     * settings registers the new revision with it, as a team's infrastructure code that takes the
     * running image does, and never rolls the service back to the placeholder.
     */
    private static Optional<String> deployedImage(ProvisionContext ctx, String name, EcsService service) {
        String repository = output(ctx, "ecr", service.image());
        Optional<String> taskDefinition = findService(ctx.aws().ecs(), ctx.naming().of(ctx.topology().ecs().cluster()), ctx.naming().of(name))
                .map(Service::taskDefinition);
        if (!known(repository) || taskDefinition.isEmpty()) {
            return Optional.empty();
        }
        TaskDefinition running = ctx.aws().ecs().describeTaskDefinition(r -> r.taskDefinition(taskDefinition.get())).taskDefinition();
        return running.containerDefinitions().stream().map(ContainerDefinition::image)
                .filter(image -> image.startsWith(repository + ":") || image.startsWith(repository + "@"))
                .filter(image -> !image.equals(repository + ":" + IMAGE_TAG))
                .findFirst();
    }

    private static RegisterTaskDefinitionRequest desiredTaskDefinition(ProvisionContext ctx, String name, EcsService service,
                                                                       Optional<String> deployedImage) {
        String family = ctx.naming().of(name);
        return RegisterTaskDefinitionRequest.builder()
                .family(family)
                .requiresCompatibilities(Compatibility.FARGATE)
                .networkMode(NetworkMode.AWSVPC)
                .cpu(String.valueOf(service.cpu()))
                .memory(String.valueOf(service.memory()))
                .executionRoleArn(output(ctx, "role", service.executionRole()))
                .taskRoleArn(service.taskRole() == null ? null : output(ctx, "role", service.taskRole()))
                .containerDefinitions(desiredContainer(ctx, name, service, deployedImage))
                .tags(tags(ctx, family))
                .build();
    }

    private static ContainerDefinition desiredContainer(ProvisionContext ctx, String name, EcsService service, Optional<String> deployedImage) {
        Container container = service.container();
        String repository = output(ctx, "ecr", service.image());
        ContainerDefinition.Builder definition = ContainerDefinition.builder()
                .name(name)
                .image(deployedImage.orElse(known(repository) ? repository + ":" + IMAGE_TAG : repository))
                .essential(true)
                .portMappings(PortMapping.builder().containerPort(container.port()).hostPort(container.port())
                        .protocol(TransportProtocol.TCP).build())
                // Fargate needs only the task-level memory; moto's RunTask also wants it on the container.
                .memory(service.memory())
                .stopTimeout(container.stopTimeout())
                .environment(new TreeMap<>(container.environment()).entrySet().stream()
                        .map(e -> KeyValuePair.builder().name(e.getKey()).value(Placeholders.resolve(ctx, e.getValue())).build())
                        .toList())
                .secrets(new TreeMap<>(container.secrets()).entrySet().stream()
                        .map(e -> Secret.builder().name(e.getKey()).valueFrom(Placeholders.secretValueFrom(ctx, e.getValue())).build())
                        .toList());
        Container.ContainerHealthCheck check = container.healthCheck();
        if (check != null && check.command() != null) {
            definition.healthCheck(HealthCheck.builder().command("CMD-SHELL", check.command())
                    .interval(check.intervalSeconds()).timeout(check.timeoutSeconds())
                    .retries(check.retries()).startPeriod(check.startPeriodSeconds()).build());
        }
        if (container.logGroup() != null) {
            Map<String, String> options = new LinkedHashMap<>();
            options.put("awslogs-group", output(ctx, "logGroup", container.logGroup()));
            options.put("awslogs-region", ctx.region());
            options.put("awslogs-stream-prefix", name);
            definition.logConfiguration(l -> l.logDriver(LogDriver.AWSLOGS).options(options));
        }
        return definition.build();
    }

    /** Compares the fields we set; what the engine adds on its own (container cpu 0, mount points, ...) is ignored. */
    private static void compareTaskDefinition(TaskDefinition actual, RegisterTaskDefinitionRequest desired, Differences differences) {
        differences.check("requiresCompatibilities", Set.copyOf(actual.requiresCompatibilitiesAsStrings()),
                Set.copyOf(desired.requiresCompatibilitiesAsStrings()));
        differences.check("networkMode", actual.networkModeAsString(), desired.networkModeAsString());
        differences.check("cpu", actual.cpu(), desired.cpu());
        differences.check("memory", actual.memory(), desired.memory());
        differences.check("executionRoleArn", actual.executionRoleArn(), desired.executionRoleArn());
        differences.check("taskRoleArn", actual.taskRoleArn(), desired.taskRoleArn());
        if (actual.containerDefinitions().size() != 1) {
            differences.note("containers " + actual.containerDefinitions().size() + " -> 1");
            return;
        }
        Map<String, Object> actualContainer = containerFingerprint(actual.containerDefinitions().get(0));
        Map<String, Object> desiredContainer = containerFingerprint(desired.containerDefinitions().get(0));
        desiredContainer.forEach((field, value) -> differences.check(field, actualContainer.get(field), value));
    }

    /** The container settings we manage, with ECS's defaults filled in so that "absent" equals "default". */
    private static Map<String, Object> containerFingerprint(ContainerDefinition c) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("container name", c.name());
        f.put("image", c.image());
        f.put("essential", c.essential() == null || c.essential());
        f.put("port mappings", c.portMappings().stream()
                .map(p -> p.containerPort() + ":" + (p.hostPort() == null ? p.containerPort() : p.hostPort()) + "/"
                        + (p.protocol() == null ? "tcp" : p.protocolAsString()))
                .toList());
        f.put("container memory", c.memory());
        f.put("stopTimeout", c.stopTimeout());
        HealthCheck h = c.healthCheck();
        f.put("health check", h == null ? null : h.command() + " interval " + orDefault(h.interval(), 30)
                + " timeout " + orDefault(h.timeout(), 5) + " retries " + orDefault(h.retries(), 3)
                + " startPeriod " + orDefault(h.startPeriod(), 0));
        f.put("log configuration", c.logConfiguration() == null ? null
                : c.logConfiguration().logDriverAsString() + " " + new TreeMap<>(c.logConfiguration().options()));
        f.put("environment", c.environment().stream()
                .collect(Collectors.toMap(KeyValuePair::name, KeyValuePair::value, (a, b) -> b, TreeMap::new)));
        f.put("secrets", c.secrets().stream()
                .collect(Collectors.toMap(Secret::name, Secret::valueFrom, (a, b) -> b, TreeMap::new)));
        return f;
    }

    /** The newest ACTIVE revision of the family, read from the list (moto's describe-by-family may give an INACTIVE one). */
    private static Optional<TaskDefinition> latestActiveRevision(EcsClient client, String family) {
        return activeRevisions(client, family).stream()
                .max((a, b) -> Integer.compare(revision(a), revision(b)))
                .map(arn -> client.describeTaskDefinition(r -> r.taskDefinition(arn)).taskDefinition());
    }

    private static List<String> activeRevisions(EcsClient client, String family) {
        List<String> arns = new ArrayList<>();
        client.listTaskDefinitionsPaginator(r -> r.familyPrefix(family).status("ACTIVE")).taskDefinitionArns()
                .forEach(arns::add);
        // familyPrefix is the whole family name on AWS; keep only exact matches all the same.
        arns.removeIf(arn -> !arn.substring(arn.lastIndexOf('/') + 1, arn.lastIndexOf(':')).equals(family));
        return arns;
    }

    private static int revision(String taskDefinitionArn) {
        return Integer.parseInt(taskDefinitionArn.substring(taskDefinitionArn.lastIndexOf(':') + 1));
    }

    // ---- service -----------------------------------------------------------------------------------

    private void reconcileService(ProvisionContext ctx, Ecs ecs, boolean clusterExists, String name, EcsService service,
                                  String taskDefinitionArn) {
        EcsClient client = ctx.aws().ecs();
        String cluster = ctx.naming().of(ecs.cluster());
        String serviceName = ctx.naming().of(name);
        DesiredService desired = desiredService(ctx, name, service, taskDefinitionArn);
        Optional<Service> found = clusterExists ? findService(client, cluster, serviceName) : Optional.empty();
        if (found.isEmpty()) {
            ctx.create(serviceResource(ctx, name), () -> createService(ctx, client, cluster, serviceName, name, service, desired));
            return;
        }
        Service actual = found.get();
        ctx.outputs().put("service", name, actual.serviceArn());
        Differences differences = new Differences();
        UpdateServiceRequest.Builder update = UpdateServiceRequest.builder().cluster(cluster).service(serviceName);
        if (differences.check("taskDefinition", actual.taskDefinition(), desired.taskDefinitionArn())) {
            update.taskDefinition(desired.taskDefinitionArn());
        }
        if (differences.check("desiredCount", actual.desiredCount(), service.desiredCount())) {
            update.desiredCount(service.desiredCount());
        }
        if (differences.check("deployment", deploymentOf(actual), deploymentOf(service.deployment()))) {
            update.deploymentConfiguration(deploymentConfiguration(service.deployment()));
        }
        if (differences.check("healthCheckGracePeriodSeconds", actual.healthCheckGracePeriodSeconds(),
                service.healthCheckGracePeriodSeconds())) {
            update.healthCheckGracePeriodSeconds(service.healthCheckGracePeriodSeconds());
        }
        if (differences.check("network", networkOf(actual.networkConfiguration()), networkOf(desired.network()))) {
            update.networkConfiguration(desired.network());
        }
        List<software.amazon.awssdk.services.ecs.model.LoadBalancer> desiredLoadBalancers =
                desired.loadBalancer() == null ? List.of() : List.of(desired.loadBalancer());
        if (differences.check("load balancer", loadBalancerOf(actual.loadBalancers()), loadBalancerOf(desiredLoadBalancers))) {
            update.loadBalancers(desiredLoadBalancers);
        }
        differences.fix(() -> client.updateService(update.build()));
        differences.report(ctx, serviceResource(ctx, name));
    }

    /** What CreateService/UpdateService send, with the ids of earlier kinds resolved. */
    private record DesiredService(String taskDefinitionArn, NetworkConfiguration network,
                                  software.amazon.awssdk.services.ecs.model.LoadBalancer loadBalancer) {
    }

    private static DesiredService desiredService(ProvisionContext ctx, String name, EcsService service, String taskDefinitionArn) {
        // moto answers 500 to an awsvpc CreateService without securityGroups: always send them.
        NetworkConfiguration network = NetworkConfiguration.builder().awsvpcConfiguration(a -> a
                .subnets(service.subnets().stream().map(s -> output(ctx, "subnet", s)).toList())
                .securityGroups(service.securityGroups().stream().map(g -> output(ctx, "securityGroup", g)).toList())
                .assignPublicIp(AssignPublicIp.DISABLED)).build();
        software.amazon.awssdk.services.ecs.model.LoadBalancer loadBalancer = service.targetGroup() == null ? null
                : software.amazon.awssdk.services.ecs.model.LoadBalancer.builder()
                        .targetGroupArn(output(ctx, "targetGroup", service.targetGroup()))
                        .containerName(name).containerPort(service.container().port()).build();
        return new DesiredService(taskDefinitionArn, network, loadBalancer);
    }

    private static void createService(ProvisionContext ctx, EcsClient client, String cluster, String serviceName,
                                      String name, EcsService service, DesiredService desired) {
        Service created = client.createService(r -> {
            r.cluster(cluster).serviceName(serviceName).taskDefinition(desired.taskDefinitionArn())
                    .launchType(LaunchType.FARGATE).desiredCount(service.desiredCount())
                    .networkConfiguration(desired.network())
                    .healthCheckGracePeriodSeconds(service.healthCheckGracePeriodSeconds())
                    .deploymentConfiguration(deploymentConfiguration(service.deployment()))
                    .deploymentController(c -> c.type(DeploymentControllerType.ECS))
                    .propagateTags(PropagateTags.NONE).enableExecuteCommand(false)
                    .tags(tags(ctx, serviceName));
            if (desired.loadBalancer() != null) {
                r.loadBalancers(desired.loadBalancer());
            }
        }).service();
        ctx.outputs().put("service", name, created.serviceArn());
        // moto drops these two on create (AWS keeps them): set them again so that describe shows them.
        if (created.deploymentConfiguration() == null || created.healthCheckGracePeriodSeconds() == null) {
            client.updateService(r -> r.cluster(cluster).service(serviceName)
                    .deploymentConfiguration(deploymentConfiguration(service.deployment()))
                    .healthCheckGracePeriodSeconds(service.healthCheckGracePeriodSeconds()));
        }
    }

    private static software.amazon.awssdk.services.ecs.model.DeploymentConfiguration deploymentConfiguration(
            DeploymentConfiguration d) {
        return software.amazon.awssdk.services.ecs.model.DeploymentConfiguration.builder()
                .minimumHealthyPercent(d.minimumHealthyPercent()).maximumPercent(d.maximumPercent())
                .deploymentCircuitBreaker(b -> b.enable(d.circuitBreaker().enable()).rollback(d.circuitBreaker().rollback()))
                .build();
    }

    /** "min 100 max 200 breaker on rollback on"; null when the engine did not store a deployment configuration. */
    private static String deploymentOf(Service actual) {
        software.amazon.awssdk.services.ecs.model.DeploymentConfiguration d = actual.deploymentConfiguration();
        if (d == null) {
            return null;
        }
        boolean enable = d.deploymentCircuitBreaker() != null && Boolean.TRUE.equals(d.deploymentCircuitBreaker().enable());
        boolean rollback = d.deploymentCircuitBreaker() != null && Boolean.TRUE.equals(d.deploymentCircuitBreaker().rollback());
        return deploymentOf(d.minimumHealthyPercent(), d.maximumPercent(), enable, rollback);
    }

    private static String deploymentOf(DeploymentConfiguration d) {
        return deploymentOf(d.minimumHealthyPercent(), d.maximumPercent(), d.circuitBreaker().enable(), d.circuitBreaker().rollback());
    }

    private static String deploymentOf(Integer min, Integer max, boolean breaker, boolean rollback) {
        return "min " + min + "% max " + max + "% breaker " + (breaker ? "on" : "off") + " rollback " + (rollback ? "on" : "off");
    }

    private static String networkOf(NetworkConfiguration network) {
        if (network == null || network.awsvpcConfiguration() == null) {
            return null;
        }
        var vpc = network.awsvpcConfiguration();
        return "subnets " + new java.util.TreeSet<>(vpc.subnets()) + " securityGroups " + new java.util.TreeSet<>(vpc.securityGroups())
                + " publicIp " + (vpc.assignPublicIp() == null ? "DISABLED" : vpc.assignPublicIpAsString());
    }

    private static List<String> loadBalancerOf(List<software.amazon.awssdk.services.ecs.model.LoadBalancer> loadBalancers) {
        return loadBalancers.stream().filter(Objects::nonNull)
                .map(lb -> lb.targetGroupArn() + " -> " + lb.containerName() + ":" + lb.containerPort()).sorted().toList();
    }

    // ---- destroy helpers ---------------------------------------------------------------------------

    private static void deleteService(EcsClient client, String cluster, Service service) {
        try {
            if (service.desiredCount() != null && service.desiredCount() > 0) {
                client.updateService(r -> r.cluster(cluster).service(service.serviceName()).desiredCount(0));
            }
            client.deleteService(r -> r.cluster(cluster).service(service.serviceName()).force(true));
        } catch (ServiceNotFoundException | ServiceNotActiveException | ClusterNotFoundException alreadyGone) {
            // deleted meanwhile: that is what we wanted
        }
    }

    private static void deleteCluster(EcsClient client, String cluster) {
        long deadline = System.nanoTime() + DRAIN_WAIT.toNanos();
        while (true) {
            try {
                client.deleteCluster(r -> r.cluster(cluster));
                return;
            } catch (ClusterNotFoundException alreadyGone) {
                return;
            } catch (ClusterContainsServicesException | ClusterContainsTasksException draining) {
                if (System.nanoTime() > deadline) {
                    throw draining;
                }
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new ProvisionException("Interrupted while waiting for the services of cluster " + cluster + " to drain");
                }
            }
        }
    }

    // ---- lookups and small helpers -----------------------------------------------------------------

    /** The cluster when ACTIVE; a deleted cluster stays visible as INACTIVE. */
    private static Optional<Cluster> findCluster(EcsClient client, String name) {
        return client.describeClusters(r -> r.clusters(name)).clusters().stream()
                .filter(c -> "ACTIVE".equals(c.status())).findFirst();
    }

    /** The service when ACTIVE; a deleted service stays visible as DRAINING, then INACTIVE. */
    private static Optional<Service> findService(EcsClient client, String cluster, String serviceName) {
        try {
            return client.describeServices(r -> r.cluster(cluster).services(serviceName)).services().stream()
                    .filter(s -> "ACTIVE".equals(s.status())).findFirst();
        } catch (ClusterNotFoundException missing) {
            return Optional.empty();
        }
    }

    private static List<Tag> tags(ProvisionContext ctx, String name) {
        return ctx.tags(name).entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
    }

    private static Integer orDefault(Integer value, int fallback) {
        return value == null ? fallback : value;
    }

    private static String clusterResource(ProvisionContext ctx, String name) {
        return "cluster " + ctx.naming().of(name);
    }

    private static String taskDefinitionResource(ProvisionContext ctx, String name) {
        return "task definition " + ctx.naming().of(name);
    }

    private static String serviceResource(ProvisionContext ctx, String name) {
        return "service " + ctx.naming().of(name);
    }
}
