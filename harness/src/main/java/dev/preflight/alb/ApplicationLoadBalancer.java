package dev.preflight.alb;

import dev.preflight.time.TimeScale;
import dev.preflight.topology.LoadBalancer;
import dev.preflight.topology.TargetGroup;
import java.net.URI;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.component.LifeCycle;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An Application Load Balancer's data plane on 127.0.0.1: the topology's HTTP listener with its
 * rules, its target groups with health checks, routing, draining and metrics (docs/aws-behaviour.md
 * section 3), on the two clocks of docs/aws-behaviour.md: the idle and connect timeouts, each health
 * check's timeout, the counted checks' interval and the deregistration delay of in-flight requests
 * are AWS's numbers in real time; probes of starting targets and the idle rest of a drain run on the
 * {@link TimeScale}'s compressed clock.
 *
 * <p>Built on Jetty 12: a {@link Server} for the listener, Jetty's reverse proxy handler with an
 * asynchronous {@link HttpClient} towards targets, a second client for health checks, and one
 * scheduler thread for every timer. All threads are named {@code alb-<name>-<n>...} and end with
 * {@link #close()}.
 */
public final class ApplicationLoadBalancer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ApplicationLoadBalancer.class);
    private static final String HOST = "127.0.0.1";
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final String name;
    private final Server server;
    private final ServerConnector connector;
    private final HttpClient healthClient;
    private final ScheduledExecutorScheduler scheduler;
    private final Map<String, TargetGroupRuntime> groups;
    private final AccessLog accessLog;
    private final ListenerThreadPool pool;
    private final AtomicBoolean closed = new AtomicBoolean();

    private ApplicationLoadBalancer(String name, Server server, ServerConnector connector, HttpClient healthClient,
                                    ScheduledExecutorScheduler scheduler, Map<String, TargetGroupRuntime> groups,
                                    ListenerThreadPool pool, AccessLog accessLog) {
        this.accessLog = accessLog;
        this.name = name;
        this.server = server;
        this.connector = connector;
        this.healthClient = healthClient;
        this.scheduler = scheduler;
        this.groups = groups;
        this.pool = pool;
    }

    /**
     * The thread pool of the listener and of both clients. Jetty gives a listener connection to
     * the pool to read its next request when the previous exchange was completed by another thread,
     * which for a proxy is every exchange: the target's answer arrives on the client's selector
     * thread. With a non-blocking handler ({@link Forwarder}) that read runs at once on the thread
     * that completed the exchange instead, which saves a thread wake-up and a context switch per
     * request: measured on two cores, a fifth of the load balancer's CPU per request and half of
     * its context switches.
     */
    static final class ListenerThreadPool extends QueuedThreadPool {
        private volatile boolean inline;
        private final LongAdder inlineReads = new LongAdder();

        ListenerThreadPool(int maxThreads, int minThreads) {
            super(maxThreads, minThreads);
        }

        void readNextRequestInline(boolean enabled) {
            inline = enabled;
        }

        /** How many next requests were read inline (for tests: the Jetty version in use still resumes this way). */
        long inlineReads() {
            return inlineReads.sum();
        }

        @Override
        public void execute(Runnable job) {
            if (inline && job instanceof HttpConnection && isRunning()) {
                inlineReads.increment();
                try {
                    job.run();
                } catch (RuntimeException e) {
                    LOG.warn("reading the next request of {} failed", job, e); // as the pool's own threads report it
                }
                return;
            }
            super.execute(job);
        }
    }

    /** Next requests read inline so far (see {@link ListenerThreadPool}). */
    long inlineReads() {
        return pool.inlineReads();
    }

    /** Starts the load balancer on 127.0.0.1 and an ephemeral port, with no target registered. */
    public static ApplicationLoadBalancer start(LoadBalancer config, TimeScale scale) {
        return start(config, scale, LoadBalancerOptions.defaults());
    }

    public static ApplicationLoadBalancer start(LoadBalancer config, TimeScale scale, LoadBalancerOptions options) {
        Objects.requireNonNull(config, "load balancer config");
        Objects.requireNonNull(scale, "time scale");
        Objects.requireNonNull(options, "options");
        String where = "load balancer '" + config.name() + "'";
        LoadBalancer.Listener listener = config.listener();
        if (listener == null) {
            throw new LoadBalancerException(where + " has no listener; add loadBalancer.listener with a defaultTargetGroup");
        }
        if (!"HTTP".equalsIgnoreCase(listener.protocol())) {
            throw new LoadBalancerException(where + ": listener protocol " + listener.protocol()
                    + " is not emulated; use HTTP (TLS termination is outside Preflight's data plane)");
        }
        if (config.targetGroups().isEmpty()) {
            throw new LoadBalancerException(where + " has no target groups; add loadBalancer.targetGroups");
        }
        ListenerRules rules = ListenerRules.from(config.name(), listener, new TreeSet<>(config.targetGroups().keySet()));
        long idleTimeoutMillis = Math.max(1, scale.real(config.idleTimeoutSeconds()).toMillis());

        String threads = "alb-" + config.name() + "-" + INSTANCES.incrementAndGet();
        ScheduledExecutorScheduler scheduler = new ScheduledExecutorScheduler(threads + "-timer", true);
        ListenerThreadPool pool = new ListenerThreadPool(256, 4);
        pool.setName(threads);
        pool.setDaemon(true);
        Server server = new Server(pool, scheduler, null);
        HttpClient healthClient = healthClient(pool, scheduler);
        try {
            LifeCycle.start(scheduler); // started first, so the server and clients share it without owning it
            Map<String, TargetGroupRuntime> groups = new LinkedHashMap<>();
            for (Map.Entry<String, TargetGroup> entry : config.targetGroups().entrySet()) {
                groups.put(entry.getKey(), new TargetGroupRuntime(config.name(), entry.getKey(), entry.getValue(), scale,
                        healthClient, scheduler));
            }

            HttpConfiguration http = new HttpConfiguration();
            http.setSendServerVersion(false);
            http.setSendXPoweredBy(false);
            http.setSendDateHeader(false); // the target's Date passes through; ALB-made answers add their own
            http.setRequestHeaderSize(64 * 1024);
            ServerConnector connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
            connector.setHost(HOST);
            connector.setPort(0);
            connector.setIdleTimeout(idleTimeoutMillis);
            connector.setAcceptQueueSize(1024);
            server.addConnector(connector);
            AccessLog accessLog = new AccessLog();
            server.setHandler(new Forwarder(where, rules, groups, accessLog, idleTimeoutMillis, options.connectTimeout(),
                    pool, scheduler));
            server.start();
            // only a non-blocking handler may read a listener connection's next request on whatever thread completed the last one
            pool.readNextRequestInline(server.getInvocationType() == Invocable.InvocationType.NON_BLOCKING);
            healthClient.start();
            ApplicationLoadBalancer alb = new ApplicationLoadBalancer(config.name(), server, connector, healthClient,
                    scheduler, groups, pool, accessLog);
            LOG.info("{} listening on {} (idle timeout {} ms, time scale {})", where, alb.url(), idleTimeoutMillis,
                    scale.factor());
            return alb;
        } catch (LoadBalancerException e) {
            stopQuietly(healthClient, server, scheduler);
            throw e;
        } catch (Exception e) {
            stopQuietly(healthClient, server, scheduler);
            throw new LoadBalancerException(where + " could not start on " + HOST + ": " + e.getMessage(), e);
        }
    }

    private static HttpClient healthClient(QueuedThreadPool pool, ScheduledExecutorScheduler scheduler) {
        ClientConnector connector = new ClientConnector();
        connector.setExecutor(pool);
        connector.setScheduler(scheduler);
        HttpClient client = new HttpClient(new HttpClientTransportOverHTTP(connector));
        client.setExecutor(pool);
        client.setScheduler(scheduler);
        client.setFollowRedirects(false);
        client.setUserAgentField(null);
        client.setMaxConnectionsPerDestination(4); // one check at a time per target, plus slack
        return client;
    }

    public URI url() {
        return URI.create("http://" + HOST + ":" + port());
    }

    public int port() {
        return connector.getLocalPort();
    }

    public String name() {
        return name;
    }

    /** The runtime of a topology target group. */
    public TargetGroupRuntime targetGroup(String name) {
        TargetGroupRuntime group = groups.get(name);
        if (group == null) {
            throw new IllegalArgumentException("load balancer '" + this.name + "' has no target group '" + name
                    + "'; known: " + groups.keySet());
        }
        return group;
    }

    /** Which target answered which traced request. */
    public AccessLog accessLog() {
        return accessLog;
    }

    /** All target groups, in the topology's order. */
    public Collection<TargetGroupRuntime> targetGroups() {
        return Collections.unmodifiableCollection(groups.values());
    }

    /** Stops health checks, ends drains (cutting open requests), stops the server and frees the port. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        groups.values().forEach(TargetGroupRuntime::close);
        stopQuietly(healthClient, server, scheduler);
        LOG.info("load balancer '{}' closed", name);
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
        return "load balancer '" + name + "' at " + (closed.get() ? "(closed)" : url());
    }
}
