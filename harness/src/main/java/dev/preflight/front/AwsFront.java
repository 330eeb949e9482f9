package dev.preflight.front;

import dev.preflight.ecs.EcsRuntime;
import dev.preflight.iam.TaskRoleAccess;
import dev.preflight.oidc.GithubOidcIssuer;
import dev.preflight.oidc.WebIdentityTrust;
import java.net.URI;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The AWS endpoint that tells the truth about the data plane: Preflight's own HTTP front over the
 * AWS engine, on 127.0.0.1 and an ephemeral port. The calls that report on running things are
 * answered from the runtime in AWS's wire format:
 * <ul>
 *   <li>ECS {@code DescribeServices}: the engine's records with the runtime's running, pending and
 *       desired counts, its deployments (status, rolloutState, counts) and its events;</li>
 *   <li>ECS {@code ListTasks} and {@code DescribeTasks}: the runtime's tasks (status, health, stop
 *       reason and code, exit code, private IP);</li>
 *   <li>ELBv2 {@code DescribeTargetHealth}: the runtime's load balancer's target states.</li>
 * </ul>
 * ECS {@code UpdateService} goes to the engine and is acted on by the runtime before its answer is
 * returned (with the runtime's deployments in it), so a DescribeServices right after it shows the new
 * deployment, as on ECS. Everything
 * else, and clusters, services and target groups the runtime does not run, go to the engine unchanged.
 *
 * <p>The runtime itself keeps talking to the engine ({@code Environment.aws()}): it never reads its
 * own answers back.
 *
 * <pre>{@code
 * try (AwsFront front = AwsFront.start(runtime)) {
 *     // AWS_ENDPOINT_URL=front.endpoint() for the aws CLI, a deploy script or an SDK
 * }
 * }</pre>
 */
public final class AwsFront implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AwsFront.class);
    private static final String HOST = "127.0.0.1";
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final Server server;
    private final ScheduledExecutorScheduler scheduler;
    private final URI engine;
    private final URI endpoint;
    private final AtomicBoolean closed = new AtomicBoolean();

    private AwsFront(Server server, ServerConnector connector, ScheduledExecutorScheduler scheduler, URI engine) {
        this.server = server;
        this.scheduler = scheduler;
        this.engine = engine;
        this.endpoint = URI.create("http://" + HOST + ":" + connector.getLocalPort());
    }

    /** A front for the runtime, over the engine its environment uses. */
    public static AwsFront start(EcsRuntime runtime) {
        return start(runtime, runtime.environment().awsEndpoint(), new WebIdentityTrust(GithubOidcIssuer.create().publicKeys()), null);
    }

    /**
     * A front for the runtime over this engine endpoint; AssumeRoleWithWebIdentity of the topology's roles
     * is decided by {@code trust} (the keys of the OIDC issuer the harness trusts as GitHub's); tasks'
     * calls signed with their task role's credentials are judged by {@code access} (null: not judged).
     */
    public static AwsFront start(EcsRuntime runtime, URI engine, WebIdentityTrust trust, TaskRoleAccess access) {
        Objects.requireNonNull(runtime, "runtime");
        Objects.requireNonNull(engine, "engine endpoint");
        String threads = "aws-front-" + INSTANCES.incrementAndGet();
        ScheduledExecutorScheduler scheduler = new ScheduledExecutorScheduler(threads + "-timer", true);
        QueuedThreadPool pool = new QueuedThreadPool(64, 2);
        pool.setName(threads);
        pool.setDaemon(true);
        Server server = new Server(pool, scheduler, null);
        try {
            LifeCycle.start(scheduler);
            HttpConfiguration http = new HttpConfiguration();
            http.setSendServerVersion(false);
            http.setSendXPoweredBy(false);
            http.setSendDateHeader(false); // the engine's Date passes through; the front's own answers add theirs
            http.setRequestHeaderSize(64 * 1024);
            ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
            connector.setHost(HOST);
            connector.setPort(0);
            connector.setIdleTimeout(120_000);
            server.addConnector(connector);
            server.setHandler(new FrontHandler(engine, new EcsAnswers(runtime), new ElbAnswers(runtime),
                    new StsAnswers(() -> runtime.environment().topology(), trust), access, threads, scheduler));
            server.start();
            AwsFront front = new AwsFront(server, connector, scheduler, engine);
            LOG.info("AWS front for {} listening on {}, over the engine at {}", runtime.clusterName(), front.endpoint(), engine);
            return front;
        } catch (Exception e) {
            stopQuietly(server, scheduler);
            throw new IllegalStateException("The AWS front could not start on " + HOST + ": " + e.getMessage(), e);
        }
    }

    /** {@code http://127.0.0.1:<port>}: the AWS_ENDPOINT_URL for users and tasks. */
    public URI endpoint() {
        return endpoint;
    }

    /** The AWS engine the front passes calls to. */
    public URI engine() {
        return engine;
    }

    /** Stops listening and frees the port; calls in flight are cut. Closing again does nothing. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        stopQuietly(server, scheduler);
    }

    private static void stopQuietly(LifeCycle... lifeCycles) {
        for (LifeCycle lifeCycle : lifeCycles) {
            try {
                lifeCycle.stop();
            } catch (Exception e) {
                LOG.warn("stopping {} failed", lifeCycle, e);
            }
        }
    }

    @Override
    public String toString() {
        return "AWS front " + (closed.get() ? "(closed)" : endpoint()) + " over " + engine;
    }
}
