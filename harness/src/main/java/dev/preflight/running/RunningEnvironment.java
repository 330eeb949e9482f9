package dev.preflight.running;

import dev.preflight.alb.AccessLog;
import dev.preflight.aws.AwsClients;
import dev.preflight.deploy.DeployPipeline;
import dev.preflight.deploy.WebhookNotifier;
import dev.preflight.deploy.WebhookReceiver;
import dev.preflight.ecs.EcsRuntime;
import dev.preflight.ecs.EcsTask;
import dev.preflight.ecs.RuntimeOptions;
import dev.preflight.ecs.ServiceScheduler;
import dev.preflight.engine.Engines;
import dev.preflight.environment.Environment;
import dev.preflight.environment.TopologyLocator;
import dev.preflight.front.AwsFront;
import dev.preflight.iam.AccessMode;
import dev.preflight.iam.AwsCallReader;
import dev.preflight.iam.RolePolicies;
import dev.preflight.iam.TaskCredentialsEndpoint;
import dev.preflight.iam.TaskRoleAccess;
import dev.preflight.oidc.GithubOidcIssuer;
import dev.preflight.oidc.WebIdentityTrust;
import dev.preflight.secrets.RunSecrets;
import dev.preflight.topology.Overlay;
import dev.preflight.topology.Topology;
import dev.preflight.topology.TopologyLoader;
import dev.preflight.traffic.LoadGenerator;
import dev.preflight.traffic.LoadProfile;
import dev.preflight.traffic.LoadRun;
import dev.preflight.traffic.Responders;
import java.io.PrintStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * An environment with its data plane running: provisioned, the ECS runtime and the load balancer
 * started, the AWS front that answers for them ({@link #awsEndpoint()}, {@link #aws()}), and a deploy
 * pipeline that notifies a real local webhook (the team's Slack channel). Tasks get the front as
 * their AWS endpoint. Closing stops the tasks and the front, then destroys what it provisioned, then
 * stops the receiver.
 *
 * <pre>{@code
 * try (RunningEnvironment env = RunningEnvironment.of("dev").withProject("cutover")
 *         .withOverlay("loadBalancer: {targetGroups: {api: {deregistrationDelaySeconds: 0}}}")
 *         .start(engines)) {
 *     env.pipeline().deploy("api", "v1");
 * }
 * }</pre>
 *
 * A copy under its own project name ({@link Definition#withProject}) has AWS names of its own, so
 * copies run side by side in one engine without disturbing each other.
 */
public final class RunningEnvironment implements AutoCloseable {
    private final Environment environment;
    private final boolean owned;
    private final EcsRuntime runtime;
    private final AwsFront front;
    private final AwsClients frontClients;
    private final WebhookReceiver webhook;
    private final DeployPipeline pipeline;
    private final GithubOidcIssuer githubOidc = GithubOidcIssuer.create();
    private final TaskRoleAccess taskRoles;

    private RunningEnvironment(Environment environment, boolean owned, RuntimeOptions options, AccessMode mode) {
        this.environment = environment;
        this.owned = owned;
        WebhookReceiver receiver = WebhookReceiver.start();
        TaskRoleAccess roles = new TaskRoleAccess(TaskCredentialsEndpoint.start(), new RolePolicies(environment.aws().iam()),
                new AwsCallReader(environment.region(), environment.outputs().get("account", "id")
                        .orElseGet(() -> environment.aws().sts().getCallerIdentity().account())), mode,
                (bucket, key) -> objectExists(environment, bucket, key));
        EcsRuntime started = null;
        try {
            started = EcsRuntime.start(environment, options);
            this.front = AwsFront.start(started, environment.awsEndpoint(), new WebIdentityTrust(githubOidc.publicKeys()), roles);
        } catch (RuntimeException e) {
            if (started != null) {
                started.close();
            }
            roles.close();
            receiver.close();
            throw e;
        }
        this.runtime = started;
        this.taskRoles = roles;
        runtime.tasksAwsEndpoint(front.endpoint());
        runtime.taskRoleAccess(roles);
        this.frontClients = new AwsClients(front.endpoint(), environment.region(), environment.aws().accessKeyId(),
                environment.aws().secretAccessKey());
        this.webhook = receiver;
        this.pipeline = new DeployPipeline(runtime, new WebhookNotifier(webhook.url()));
    }

    private static boolean objectExists(Environment environment, String bucket, String key) {
        try {
            environment.aws().s3().headObject(r -> r.bucket(bucket).key(key));
            return true;
        } catch (software.amazon.awssdk.services.s3.model.NoSuchKeyException e) {
            return false;
        } catch (software.amazon.awssdk.services.s3.model.S3Exception e) {
            return e.statusCode() != 404;
        }
    }

    /** What to run: {@code environment} of the topology folder (an overlay in its environments/). */
    public static Definition of(String environment) {
        return new Definition(environment, null, null, List.of(), UnaryOperator.identity(), null, System.out, null);
    }

    /**
     * Starts the data plane on an environment provisioned elsewhere; closing stops the data plane
     * and leaves the environment to its owner.
     */
    public static RunningEnvironment on(Environment environment, RuntimeOptions options) {
        return on(environment, options, AccessMode.fromSystemProperty());
    }

    /** As {@link #on(Environment, RuntimeOptions)}, tasks' calls their role does not allow handled as {@code mode} says. */
    public static RunningEnvironment on(Environment environment, RuntimeOptions options, AccessMode mode) {
        return new RunningEnvironment(environment, false, options, mode);
    }

    public Environment environment() {
        return environment;
    }

    public EcsRuntime runtime() {
        return runtime;
    }

    /**
     * The AWS endpoint for users and tasks, e.g. {@code http://127.0.0.1:41234}: the AWS front, where
     * DescribeServices, ListTasks, DescribeTasks and DescribeTargetHealth tell what the runtime runs,
     * and every other call reaches the engine unchanged. {@code environment().awsEndpoint()} is the
     * engine itself.
     */
    public URI awsEndpoint() {
        return front.endpoint();
    }

    /**
     * SDK clients pointed at {@link #awsEndpoint()}, for what a team's deploy script or check sees:
     * {@code aws().ecs().waiter().waitUntilServicesStable(...)}. {@code environment().aws()} talks to
     * the engine directly, as the runtime does.
     */
    public AwsClients aws() {
        return frontClients;
    }

    public DeployPipeline pipeline() {
        return pipeline;
    }

    /**
     * The OIDC issuer this environment trusts as GitHub Actions' provider: tokens it signs are what a
     * workflow run presents to AssumeRoleWithWebIdentity at {@link #awsEndpoint()}.
     */
    public GithubOidcIssuer githubOidc() {
        return githubOidc;
    }

    /**
     * Least privilege at run time: the tasks' calls with their task roles' credentials, judged against
     * the roles' policies ({@code taskRoles().report()}: used, unused, denied per role), and the mode
     * that says whether a denied call is refused.
     */
    public TaskRoleAccess taskRoles() {
        return taskRoles;
    }

    public WebhookReceiver webhook() {
        return webhook;
    }

    /** The load balancer's listener, e.g. {@code http://127.0.0.1:41234}. */
    public URI loadBalancer() {
        if (runtime.loadBalancer() == null) {
            throw new IllegalStateException(environment.name() + " has no load balancer in its topology");
        }
        return runtime.loadBalancer().url();
    }

    /**
     * Starts load against the load balancer; each record names the task that answered and its
     * version, from the load balancer's access log and the runtime, whether or not the app says.
     */
    public LoadRun load(LoadProfile profile) {
        return LoadGenerator.start(loadBalancer(), profile, responders());
    }

    /** The load balancer's access log read through the runtime: trace Root to task and version. */
    public Responders responders() {
        if (runtime.loadBalancer() == null) {
            return Responders.NONE;
        }
        AccessLog log = runtime.loadBalancer().accessLog();
        return traceId -> log.targetOf(traceId)
                .map(target -> new Responders.Responder(target, runtime.task(target).map(EcsTask::version).orElse(null)));
    }

    /** The scheduler of a service, by its topology name. */
    public ServiceScheduler service(String name) {
        return runtime.service(name);
    }

    /** Sets a service's desired count through the ECS API, as an operator or the autoscaler would. */
    public void desiredCount(String service, int count) {
        environment.aws().ecs().updateService(r -> r.cluster(runtime.clusterName()).service(runtime.awsServiceName(service)).desiredCount(count));
    }

    @Override
    public void close() {
        try {
            try {
                runtime.close();
            } finally {
                frontClients.close();
                front.close();
                taskRoles.close();
            }
        } finally {
            try {
                if (owned) {
                    // Its secrets and log groups go with it: keep the values and scan its logs for the end-of-run leak scan.
                    RunSecrets.beforeDestroy(environment);
                    environment.destroy();
                }
            } finally {
                if (owned) {
                    environment.close();
                }
                webhook.close();
            }
        }
    }

    /**
     * An environment to run, immutable: each {@code with...} returns a new definition.
     */
    public static final class Definition {
        private final String environment;
        private final Path topologyDir;
        private final String project;
        private final List<Overlay> overlays;
        private final UnaryOperator<Topology> edit;
        private final RuntimeOptions options;
        private final PrintStream progress;
        private final AccessMode taskRoleMode;

        private Definition(String environment, Path topologyDir, String project, List<Overlay> overlays,
                           UnaryOperator<Topology> edit, RuntimeOptions options, PrintStream progress, AccessMode taskRoleMode) {
            this.environment = Objects.requireNonNull(environment, "environment");
            this.topologyDir = topologyDir;
            this.project = project;
            this.overlays = List.copyOf(overlays);
            this.edit = edit;
            this.options = options;
            this.progress = progress;
            this.taskRoleMode = taskRoleMode;
        }

        /** The topology folder (base.yaml and environments/); by default {@link TopologyLocator#topologyDir()}. */
        public Definition withTopologyDir(Path dir) {
            return new Definition(environment, dir, project, overlays, edit, options, progress, taskRoleMode);
        }

        /** Its own copy under this project name: every AWS name, database and role carries it. */
        public Definition withProject(String newProject) {
            return new Definition(environment, topologyDir, newProject, overlays, edit, options, progress, taskRoleMode);
        }

        /** A change in the topology's own YAML, merged and validated like the environment's overlay. */
        public Definition withOverlay(String yaml) {
            return withOverlay(Overlay.yaml("overlay-" + (overlays.size() + 1), yaml));
        }

        public Definition withOverlay(Overlay overlay) {
            List<Overlay> more = new ArrayList<>(overlays);
            more.add(Objects.requireNonNull(overlay, "overlay"));
            return new Definition(environment, topologyDir, project, more, edit, options, progress, taskRoleMode);
        }

        /**
         * A change to the loaded model, after validation: only for what an overlay cannot say, such
         * as a configuration the validator refuses, to watch how AWS would react to it.
         */
        public Definition withUnvalidatedEdit(UnaryOperator<Topology> change) {
            UnaryOperator<Topology> before = edit;
            return new Definition(environment, topologyDir, project, overlays, t -> change.apply(before.apply(t)), options, progress, taskRoleMode);
        }

        public Definition withRuntimeOptions(RuntimeOptions newOptions) {
            return new Definition(environment, topologyDir, project, overlays, edit, newOptions, progress, taskRoleMode);
        }


        /**
         * What the front does with a task's call its task role does not allow: {@link AccessMode#REPORT}
         * (through, and listed) or {@link AccessMode#ENFORCE} (AccessDenied); by default {@code -Dpreflight.iam}, else report.
         */
        public Definition withTaskRoleMode(AccessMode mode) {
            return new Definition(environment, topologyDir, project, overlays, edit, options, progress, Objects.requireNonNull(mode, "mode"));
        }

        /** Where provisioning prints its lines; null for silence. */
        public Definition withProgress(PrintStream out) {
            return new Definition(environment, topologyDir, project, overlays, edit, options, out, taskRoleMode);
        }

        /** The topology this definition stands for, loaded and validated (overlays included). */
        public Topology topology() {
            Path dir = topologyDir != null ? topologyDir : TopologyLocator.topologyDir();
            Topology topology = new TopologyLoader().load(dir, environment, overlays);
            return edit.apply(project == null ? topology : topology.withProject(project));
        }

        /** Provisions the environment and starts its data plane; nothing is left behind if that fails. */
        public RunningEnvironment start(Engines engines) {
            Topology topology = topology();
            Environment env = Environment.provision(topology, engines, progress);
            try {
                return new RunningEnvironment(env, true, options != null ? options : RuntimeOptions.defaults(),
                        taskRoleMode != null ? taskRoleMode : AccessMode.fromSystemProperty());
            } catch (RuntimeException e) {
                try {
                    env.destroy();
                } catch (RuntimeException cleanup) {
                    e.addSuppressed(cleanup);
                }
                env.close();
                throw e;
            }
        }
    }
}
