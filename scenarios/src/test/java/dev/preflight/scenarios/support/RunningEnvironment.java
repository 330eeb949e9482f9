package dev.preflight.scenarios.support;

import dev.preflight.deploy.DeployPipeline;
import dev.preflight.deploy.WebhookNotifier;
import dev.preflight.deploy.WebhookReceiver;
import dev.preflight.ecs.EcsRuntime;
import dev.preflight.ecs.RuntimeOptions;
import dev.preflight.engine.Engines;
import dev.preflight.environment.Environment;
import dev.preflight.environment.TopologyLocator;
import dev.preflight.secrets.RunSecrets;
import dev.preflight.topology.Overlay;
import dev.preflight.topology.Topology;
import dev.preflight.topology.TopologyLoader;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * A scenario's own copy of an environment with its data plane running: provisioned under the
 * scenario's project name (so scenarios never disturb each other), the ECS runtime and load
 * balancer started, a deploy pipeline that notifies a real local webhook. Closing stops the tasks,
 * destroys the copy and stops the receiver.
 */
public final class RunningEnvironment implements AutoCloseable {
    private final Environment environment;
    private final EcsRuntime runtime;
    private final WebhookReceiver webhook;
    private final DeployPipeline pipeline;

    private RunningEnvironment(Environment environment, RuntimeOptions options) {
        this.environment = environment;
        this.webhook = WebhookReceiver.start();
        this.runtime = EcsRuntime.start(environment, options);
        this.pipeline = new DeployPipeline(runtime, new WebhookNotifier(webhook.url()));
    }

    /** dev, renamed to {@code project}, with {@code overlays} laid over it (e.g. a misconfiguration on purpose). */
    public static RunningEnvironment start(Engines engines, String project, Overlay... overlays) {
        return start(engines, new TopologyLoader().load(TopologyLocator.topologyDir(), "dev", List.of(overlays)).withProject(project));
    }

    /**
     * dev, renamed to {@code project}, changed by {@code edit}: only for what an overlay cannot say,
     * a configuration the validator refuses, to watch how ECS reacts to it.
     */
    public static RunningEnvironment start(Engines engines, String project, UnaryOperator<Topology> edit) {
        return start(engines, edit.apply(new TopologyLoader().load(TopologyLocator.topologyDir(), "dev").withProject(project)));
    }

    private static RunningEnvironment start(Engines engines, Topology topology) {
        Environment env = Environment.provision(topology, engines, System.out);
        try {
            return new RunningEnvironment(env, RuntimeOptions.defaults());
        } catch (RuntimeException e) {
            env.destroy();
            env.close();
            throw e;
        }
    }

    public static Path appJar() {
        return Path.of(System.getProperty("preflight.app.jar", "../fixtures/app/target/sample-app.jar"));
    }

    public Environment environment() {
        return environment;
    }

    public EcsRuntime runtime() {
        return runtime;
    }

    public DeployPipeline pipeline() {
        return pipeline;
    }

    public WebhookReceiver webhook() {
        return webhook;
    }

    public URI loadBalancer() {
        return runtime.loadBalancer().url();
    }

    /** Sets a service's desired count through the ECS API, as an operator or the autoscaler would. */
    public void desiredCount(String service, int count) {
        environment.aws().ecs().updateService(r -> r.cluster(runtime.clusterName()).service(runtime.awsServiceName(service)).desiredCount(count));
    }

    @Override
    public void close() {
        try {
            runtime.close();
        } finally {
            try {
                // Its secrets and log groups go with it: keep the values and scan its logs for the end-of-run leak scan.
                RunSecrets.beforeDestroy(environment);
                environment.destroy();
            } finally {
                environment.close();
                webhook.close();
            }
        }
    }
}
