package dev.preflight.ecs;

import dev.preflight.alb.ApplicationLoadBalancer;
import dev.preflight.alb.TargetGroupRuntime;
import dev.preflight.environment.Environment;
import dev.preflight.iam.TaskRoleAccess;
import dev.preflight.image.EcrRegistry;
import dev.preflight.engine.ContainerNetwork;
import dev.preflight.engine.EngineException;
import dev.preflight.engine.EngineSettings;
import dev.preflight.image.Builder;
import dev.preflight.image.DockerImageBuilder;
import dev.preflight.image.ImageBuilder;
import dev.preflight.runtime.ContainerTaskRunner;
import dev.preflight.image.ImageStore;
import dev.preflight.runtime.ProcessTaskRunner;
import dev.preflight.runtime.TaskLogShipper;
import dev.preflight.runtime.TaskRunner;
import dev.preflight.time.TimeScale;
import dev.preflight.topology.EcsService;
import dev.preflight.topology.Topology;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.ecs.model.Service;

/**
 * The data plane no emulator gives without Docker: an Application Load Balancer that really
 * routes, and ECS services whose tasks really run as processes. It watches the services through
 * the ECS API, as ECS does: an UpdateService with a new task definition (or a forced new
 * deployment) starts a deployment; a new desired count is acted on. A service runs from its first
 * deployment on; {@link #adopt(String)} runs the provisioned task definition as it is.
 */
public final class EcsRuntime implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EcsRuntime.class);
    private static final Duration TICK = Duration.ofMillis(50);
    private static final int POLL_EVERY_TICKS = 4;
    /** Target group settings change rarely (an apply, the aws CLI): read them once a second. */
    private static final int TARGET_GROUPS_EVERY_TICKS = 20;

    private final Environment env;
    private final String clusterArn;
    private final TimeScale scale;
    private final ApplicationLoadBalancer loadBalancer;
    private final ImageStore images;
    private final EcrRegistry registry;
    private final Builder builder;
    private final TaskLogShipper logShipper;
    private final TaskRunner runner;
    private final TaskLauncher launcher;
    private final ScheduledExecutorService loop;
    private final ExecutorService healthChecks;
    private final Map<String, ServiceScheduler> schedulers = new LinkedHashMap<>();
    private final Map<String, String> knownTaskDefinitions = new LinkedHashMap<>();
    /** The engine's PRIMARY deployment id per service: a new one without a new task definition is a forced deployment. */
    private final Map<String, String> knownEngineDeployments = new LinkedHashMap<>();
    /** Target group ARN by topology name, for the groups the load balancer routes to. */
    private final Map<String, String> targetGroupArns = new LinkedHashMap<>();
    private long ticks;
    private final Placement.Zones zones = new Placement.Zones();
    private boolean targetGroupReadFailed;
    private volatile boolean closed;

    private EcsRuntime(Environment env, RuntimeOptions options) {
        this.env = env;
        this.scale = options.timeScale();
        Topology topology = env.topology();
        Path runDir = env.engines().runDir().resolve("runtime-" + topology.naming().prefix());
        this.images = new ImageStore(runDir.resolve("images"));
        this.registry = new EcrRegistry(env.aws(), images);
        this.logShipper = new TaskLogShipper(env.aws().logs());
        if (EngineSettings.fromSystem().containerTasks()) {
            ContainerNetwork network = env.engines().network().orElseThrow(() -> new EngineException(EngineSettings.TASKS_PROPERTY
                    + "=containers runs tasks on the engines' Docker network, and the " + env.engines().kind() + " engines have none. Fix: use "
                    + EngineSettings.ENGINES_PROPERTY + "=containers with it, or " + EngineSettings.TASKS_PROPERTY + "=processes"));
            this.runner = new ContainerTaskRunner(env.engines().ledger(), network, runDir.resolve("tasks"), logShipper);
            this.builder = new DockerImageBuilder(images);
        } else {
            this.runner = new ProcessTaskRunner(env.engines().ledger(), runDir.resolve("tasks"), logShipper);
            this.builder = new ImageBuilder(images);
        }
        this.launcher = new TaskLauncher(env.aws(), registry, runner, scale);
        this.loadBalancer = topology.loadBalancer() == null ? null
                : ApplicationLoadBalancer.start(topology.loadBalancer(), scale, options.loadBalancer());
        this.healthChecks = Executors.newFixedThreadPool(4, daemon("preflight-container-health"));
        String cluster = topology.naming().of(topology.ecs().cluster());
        this.clusterArn = env.outputs().get("cluster", topology.ecs().cluster()).orElseGet(() ->
                env.aws().ecs().describeClusters(r -> r.clusters(cluster)).clusters().get(0).clusterArn());
        if (loadBalancer != null) {
            topology.loadBalancer().targetGroups().keySet().forEach(name ->
                    env.outputs().get("targetGroup", name).ifPresent(arn -> targetGroupArns.put(name, arn)));
        }
        for (Map.Entry<String, EcsService> e : topology.ecs().services().entrySet()) {
            EcsService service = e.getValue();
            TargetGroupRuntime tg = service.targetGroup() == null || loadBalancer == null ? null : loadBalancer.targetGroup(service.targetGroup());
            String tgArn = service.targetGroup() == null ? null : env.outputs().get("targetGroup", service.targetGroup()).orElse(null);
            var deployment = service.deployment();
            schedulers.put(e.getKey(), new ServiceScheduler(e.getKey(), cluster, clusterArn,
                    new RollingUpdatePolicy(deployment.minimumHealthyPercent(), deployment.maximumPercent()),
                    deployment.circuitBreaker().enable(), deployment.circuitBreaker().rollback(), options.circuitBreakerMinimumThreshold(),
                    service.healthCheckGracePeriodSeconds(), scale, launcher, tg,
                    new TargetMirror(env.aws(), tgArn), new Placement(service.subnets().stream().map(n -> new Placement.Subnet(n,
                            topology.network().subnets().get(n).cidr(), topology.network().subnets().get(n).availabilityZone())).toList(), zones),
                    healthChecks));
            Service actual = describe(e.getKey());
            knownTaskDefinitions.put(e.getKey(), actual.taskDefinition());
            knownEngineDeployments.put(e.getKey(), primaryDeploymentId(actual));
            schedulers.get(e.getKey()).desiredCount(actual.desiredCount());
        }
        this.loop = Executors.newSingleThreadScheduledExecutor(daemon("preflight-ecs-scheduler"));
        loop.scheduleWithFixedDelay(this::tick, 0, TICK.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Starts the load balancer and the schedulers of an environment's services. */
    public static EcsRuntime start(Environment env, RuntimeOptions options) {
        return new EcsRuntime(env, options);
    }

    public static EcsRuntime start(Environment env) {
        return start(env, RuntimeOptions.defaults());
    }

    public Environment environment() {
        return env;
    }

    public TimeScale timeScale() {
        return scale;
    }

    public ApplicationLoadBalancer loadBalancer() {
        return loadBalancer;
    }

    /** Builds images for this runtime's tasks: with Docker for container tasks, without it for processes. */
    public Builder imageBuilder() {
        return builder;
    }

    public EcrRegistry registry() {
        return registry;
    }

    public ServiceScheduler service(String name) {
        ServiceScheduler scheduler = schedulers.get(name);
        if (scheduler == null) {
            throw new IllegalArgumentException("No ECS service '" + name + "' in " + schedulers.keySet());
        }
        return scheduler;
    }

    public List<ServiceScheduler> services() {
        return List.copyOf(schedulers.values());
    }

    /** A task of any service by its id (running, or stopped within the last ten minutes). */
    public java.util.Optional<EcsTask> task(String taskId) {
        for (ServiceScheduler scheduler : schedulers.values()) {
            for (EcsTask task : scheduler.tasks()) {
                if (task.taskId().equals(taskId)) {
                    return java.util.Optional.of(task);
                }
            }
        }
        return java.util.Optional.empty();
    }

    /** Runs the service's current task definition as its first deployment (no UpdateService needed). */
    public Deployment adopt(String service) {
        return service(service).deploy(describe(service).taskDefinition(), false);
    }

    public String awsServiceName(String service) {
        return env.topology().naming().of(service);
    }

    public String clusterName() {
        return env.topology().naming().of(env.topology().ecs().cluster());
    }

    /** {@code arn:aws:ecs:<region>:<account>:cluster/<name>}, as the engine gave it. */
    public String clusterArn() {
        return clusterArn;
    }

    /**
     * The AWS endpoint tasks started from now on get as {@code AWS_ENDPOINT_URL}; by default the
     * engine's. {@code RunningEnvironment} gives them its AWS front, so a task's calls see the runtime.
     */
    public void tasksAwsEndpoint(URI endpoint) {
        launcher.awsEndpoint(endpoint);
    }

    public URI tasksAwsEndpoint() {
        return launcher.awsEndpoint();
    }

    /**
     * Tasks started from now on that run as processes get their task role's credentials through
     * {@code access}'s container credentials endpoint, as on ECS, instead of the engine's keys.
     */
    public void taskRoleAccess(TaskRoleAccess access) {
        launcher.taskRoleAccess(access);
    }

    /**
     * Reads the ECS API now and acts on what changed, as the next poll would (on the scheduler's
     * thread), and returns when that is done. After an UpdateService, the caller's next
     * DescribeServices then shows the deployment it started, as on ECS, where UpdateService creates it.
     */
    public void refresh() {
        if (closed) {
            return;
        }
        try {
            loop.submit(() -> {
                pollTargetGroups();
                pollServices();
            }).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RejectedExecutionException e) {
            // closing: nothing to act on any more
        } catch (ExecutionException | TimeoutException e) {
            LOG.warn("Reading the ECS API on request failed: {}", e.toString());
        }
    }

    private Service describe(String service) {
        return env.aws().ecs().describeServices(r -> r.cluster(clusterName()).services(awsServiceName(service))).services().get(0);
    }

    private void tick() {
        if (closed) {
            return;
        }
        try {
            if (ticks % TARGET_GROUPS_EVERY_TICKS == 0) {
                pollTargetGroups();
            }
            if (ticks++ % POLL_EVERY_TICKS == 0) {
                pollServices();
            }
            schedulers.values().forEach(ServiceScheduler::tick);
        } catch (RuntimeException e) {
            if (!closed) { // close() interrupts a tick mid-call: nothing failed
                LOG.warn("ECS scheduler tick failed: {}", e.toString());
            }
        }
    }

    /** What the ECS API says now: a changed task definition or a forced deployment, a new desired count. */
    private void pollServices() {
        List<String> names = schedulers.keySet().stream().map(this::awsServiceName).toList();
        List<Service> services = env.aws().ecs().describeServices(r -> r.cluster(clusterName()).services(names)).services();
        for (Service listed : services) {
            String logical = schedulers.keySet().stream().filter(n -> awsServiceName(n).equals(listed.serviceName())).findFirst().orElse(null);
            if (logical == null) {
                continue;
            }
            ServiceScheduler scheduler = schedulers.get(logical);
            scheduler.desiredCount(listed.desiredCount());
            configure(scheduler, listed);
            Service s = mirrorRollback(logical, scheduler, listed);
            String known = knownTaskDefinitions.get(logical);
            String engineDeployment = primaryDeploymentId(s);
            boolean newTaskDefinition = !s.taskDefinition().equals(known);
            boolean forced = engineDeployment != null && !engineDeployment.equals(knownEngineDeployments.get(logical));
            knownTaskDefinitions.put(logical, s.taskDefinition());
            knownEngineDeployments.put(logical, engineDeployment);
            if (newTaskDefinition || forced && scheduler.primary().isPresent()) {
                // UpdateService with a new task definition, or forceNewDeployment: ECS starts a new deployment.
                scheduler.deploy(s.taskDefinition(), false);
            }
        }
    }

    /** The deployment configuration and grace period UpdateService last set (moto drops them on create: then keep the topology's). */
    private static void configure(ServiceScheduler scheduler, Service s) {
        var c = s.deploymentConfiguration();
        if (c == null || c.minimumHealthyPercent() == null || c.maximumPercent() == null) {
            return;
        }
        var breaker = c.deploymentCircuitBreaker();
        scheduler.configure(new RollingUpdatePolicy(c.minimumHealthyPercent(), c.maximumPercent()),
                breaker != null && Boolean.TRUE.equals(breaker.enable()), breaker != null && Boolean.TRUE.equals(breaker.rollback()),
                s.healthCheckGracePeriodSeconds() == null ? 0 : s.healthCheckGracePeriodSeconds());
    }

    /** What the ELBv2 API says of each target group now: a changed health check, delay or algorithm takes effect. */
    private void pollTargetGroups() {
        targetGroupArns.forEach((name, arn) -> {
            TargetGroupRuntime tg = loadBalancer.targetGroup(name);
            try {
                var now = TargetGroupSettings.read(env.aws(), arn, tg.config());
                if (!now.equals(tg.config())) {
                    LOG.info("Target group {} changed through the ELBv2 API: {} -> {}", name, tg.config(), now);
                    tg.reconfigure(now);
                }
            } catch (RuntimeException e) {
                if (!targetGroupReadFailed) {
                    targetGroupReadFailed = true;
                    LOG.warn("Reading target group {} from the ELBv2 API failed; its settings stay as they are: {}", name, e.toString());
                }
            }
        });
    }

    /**
     * After a circuit-breaker rollback ECS's service names the task definition it rolled back to, so a
     * later forceNewDeployment redeploys that one, not the failed revision. The engine does not roll
     * back: set it as ECS would, and remember it so that the change starts no deployment.
     */
    private Service mirrorRollback(String logical, ServiceScheduler scheduler, Service s) {
        java.util.Optional<Deployment> primary = scheduler.primary();
        if (primary.isEmpty() || !primary.get().isRollback() || primary.get().taskDefinitionArn().equals(s.taskDefinition())
                || !s.taskDefinition().equals(knownTaskDefinitions.get(logical))) {
            return s;
        }
        String rolledBackTo = primary.get().taskDefinitionArn();
        env.aws().ecs().updateService(r -> r.cluster(clusterName()).service(s.serviceName()).taskDefinition(rolledBackTo));
        Service now = describe(logical);
        knownTaskDefinitions.put(logical, now.taskDefinition());
        knownEngineDeployments.put(logical, primaryDeploymentId(now));
        return now;
    }

    private static String primaryDeploymentId(Service service) {
        return service.deployments().stream().filter(d -> "PRIMARY".equals(d.status())).map(d -> d.id()).findFirst().orElse(null);
    }

    /**
     * Takes an Availability Zone down: every task in its subnets stops at once, and no task is placed in
     * it until {@link #restoreAvailabilityZone}; services go on in their other zones.
     */
    public void loseAvailabilityZone(String zone) {
        zones.lose(zone);
        schedulers.values().forEach(s -> s.zoneLost(zone));
        LOG.info("Availability Zone {} lost", zone);
    }

    public void restoreAvailabilityZone(String zone) {
        zones.restore(zone);
        LOG.info("Availability Zone {} restored", zone);
    }

    /** UpdateService with forceNewDeployment through the ECS API: new tasks pick up new secrets and images. */
    public void forceNewDeployment(String service) {
        env.aws().ecs().updateService(r -> r.cluster(clusterName()).service(awsServiceName(service)).forceNewDeployment(true));
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        loop.shutdownNow();
        try {
            loop.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<CompletableFuture<Integer>> stops = schedulers.values().stream().flatMap(s -> s.stopAll().stream()).toList();
        try {
            CompletableFuture.allOf(stops.toArray(CompletableFuture[]::new)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("Some tasks did not stop in time: {}", e.toString());
        }
        healthChecks.shutdownNow();
        runner.close();
        logShipper.close();
        if (loadBalancer != null) {
            loadBalancer.close();
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
