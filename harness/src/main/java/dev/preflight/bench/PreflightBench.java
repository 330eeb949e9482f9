package dev.preflight.bench;

import dev.preflight.alb.TargetGroupRuntime;
import dev.preflight.deploy.DeployNotifier;
import dev.preflight.deploy.DeployPipeline;
import dev.preflight.deploy.DeployResult;
import dev.preflight.ecs.EcsRuntime;
import dev.preflight.engine.EngineSettings;
import dev.preflight.engine.Engines;
import dev.preflight.environment.Environment;
import dev.preflight.environment.TopologyLocator;
import dev.preflight.topology.Topology;
import dev.preflight.topology.TopologyLoader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code make bench}: the figures users ask about, measured on this machine in one run, and a
 * verdict.
 * <ol>
 *   <li>Ten consecutive 3-task rolling deploys of api under 150 req/s through the load balancer:
 *       time to steady state (min, median, max) and failed requests. Such a deploy must lose no
 *       request, so every failed one is listed (status, time, target, error, and the timeline
 *       around it) and fails the bench.</li>
 *   <li>The load balancer against nginx on the same fast backend, and the backend directly
 *       ({@link ProxyComparison}), against the goal of 70 % of nginx's throughput and at most
 *       +0.5 ms p50.</li>
 * </ol>
 * Exits 1 when a request failed or a deploy did not reach steady state (after printing
 * everything), 2 when the bench itself could not run. Missing the throughput goal is printed, not
 * an error: it depends on the machine.
 *
 * <p>Settings (system properties): {@code preflight.bench.deploys} (10), {@code preflight.bench.rate}
 * (150), {@code preflight.bench.parts} ({@code deploys,proxy}), {@code preflight.bench.rounds} (3),
 * {@code preflight.bench.seconds} (5, per row and round), {@code preflight.bench.warmup} (10 s per row),
 * {@code preflight.bench.albJvmArgs} (JVM options of the stand-alone load balancer, e.g. a flight
 * recording: {@code -XX:StartFlightRecording=filename=/tmp/alb.jfr,settings=profile,dumponexit=true}),
 * {@code preflight.bench.wrk} (false: the in-JVM client even where wrk is installed),
 * {@code preflight.bench.wrkThreads} (2, wrk's own default),
 * {@code preflight.bench.beforeClasspath} (another build of the load balancer, e.g. before a change, as
 * one more row of the same rounds).
 */
public final class PreflightBench {
    /**
     * The bench's tasks get TCP_NODELAY the way the sample app will set it itself (without it the
     * JDK's HttpServer adds 40 ms to every keep-alive request); harmless once the app does.
     */
    static final Map<String, String> IMAGE_ENV = Boolean.parseBoolean(System.getProperty("preflight.bench.nodelay", "true"))
            ? Map.of("JAVA_TOOL_OPTIONS", "-Dsun.net.httpserver.nodelay=true") : Map.of();

    public static void main(String[] args) {
        int code;
        try {
            code = run();
        } catch (Exception | Error e) {
            System.out.flush();
            System.err.println("bench: could not run: " + e);
            e.printStackTrace();
            code = 2;
        }
        System.out.flush();
        System.exit(code);
    }

    private static int run() throws Exception {
        // The comparison's fast backend: the sample app's jar, started on its own.
        Path appJar = Path.of(System.getProperty("preflight.app.jar", "fixtures/app/target/sample-app.jar"));
        int deploys = Integer.getInteger("preflight.bench.deploys", 10);
        double rate = Double.parseDouble(System.getProperty("preflight.bench.rate", "150"));
        Set<String> parts = Set.of(System.getProperty("preflight.bench.parts", "deploys,proxy").split(","));
        ProxyComparison.Settings settings = new ProxyComparison.Settings(16,
                Duration.ofSeconds(Integer.getInteger("preflight.bench.warmup", 10)),
                Duration.ofSeconds(Integer.getInteger("preflight.bench.seconds", 5)), Integer.getInteger("preflight.bench.rounds", 3),
                Duration.ofSeconds(2));
        List<String> problems = new ArrayList<>();
        Topology topology = new TopologyLoader().load(TopologyLocator.topologyDir(), "dev").withProject("bench");
        long jvmStart = java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime();
        long t0 = System.currentTimeMillis();
        try (Engines engines = Engines.create(EngineSettings.fromSystem()).start()) {
            long t1 = System.currentTimeMillis();
            if (parts.contains("deploys")) {
                try (Environment env = Environment.provision(topology, engines, null);
                     EcsRuntime runtime = EcsRuntime.start(env)) {
                    long t2 = System.currentTimeMillis();
                    System.out.println("preflight bench: engines " + engines.kind().id() + ", time scale " + runtime.timeScale().factor()
                            + ", " + Runtime.getRuntime().availableProcessors() + " cores, load balancer at " + runtime.loadBalancer().url());
                    // What make up takes to be ready, the same steps: the control plane provisioned, the data plane running.
                    System.out.printf(Locale.ROOT, "  ready (provisioned, load balancer and runtime started) %.1f s from the JVM's start:"
                            + " JVM %.1f s, engines %.1f s, provisioning and runtime %.1f s%n", (t2 - jvmStart) / 1000.0,
                            (t0 - jvmStart) / 1000.0, (t1 - t0) / 1000.0, (t2 - t1) / 1000.0);
                    problems.addAll(deploys(runtime, deploys, rate));
                }
            }
            if (parts.contains("proxy")) {
                ProxyComparison.Result result = new ProxyComparison(appJar, engines.runDir().resolve("bench"), engines.ledger(), settings,
                        System.out).run();
                if (result.failed() > 0) {
                    problems.add(result.failed() + " requests failed in the load balancer/nginx comparison");
                }
            }
        }
        System.out.println();
        if (problems.isEmpty()) {
            System.out.println("bench: no failed request");
            return 0;
        }
        System.out.println("bench: FAILED");
        problems.forEach(p -> System.out.println("  " + p));
        return 1;
    }

    private static List<String> deploys(EcsRuntime runtime, int deploys, double rate) {
        DeployPipeline pipeline = new DeployPipeline(runtime, DeployNotifier.none());
        Timeline timeline = new Timeline();
        TargetGroupRuntime group = runtime.loadBalancer().targetGroup(RollingDeploys.SERVICE);
        group.addListener((target, from, to, reason) -> timeline.add("target " + target + " " + from + " -> " + to
                + (reason == null ? "" : " (" + reason + ")")));
        runtime.service(RollingDeploys.SERVICE).addListener(event -> timeline.add(event.type() + " " + event.message()));
        runtime.environment().aws().ecs().updateService(r -> r.cluster(runtime.clusterName())
                .service(runtime.awsServiceName(RollingDeploys.SERVICE)).desiredCount(3));
        DeployResult first = pipeline.deploy(RollingDeploys.SERVICE, "v0", IMAGE_ENV, Duration.ofMinutes(2));
        if (!first.succeeded()) {
            throw new IllegalStateException("the first deploy (v0, 3 tasks, no load) failed: " + first);
        }
        System.out.printf(Locale.ROOT, "  first deploy (image built from its Dockerfile, 3 tasks healthy): %.1f s%n",
                first.duration().toMillis() / 1000.0);
        System.out.println();
        System.out.printf(Locale.ROOT, "Rolling deploys of 3 api tasks, one after another, under %.0f req/s through the load balancer (GET %s)%n",
                rate, RollingDeploys.PATH);
        RollingDeploys bench = new RollingDeploys(runtime, pipeline, IMAGE_ENV, rate, timeline, System.out);
        RollingDeploys.Result result = bench.run(deploys);
        List<Double> s = result.seconds().stream().sorted().toList();
        if (!s.isEmpty()) {
            System.out.printf(Locale.ROOT, "  time to steady state: min %.2f s, median %.2f s, max %.2f s (%d deploys)%n", s.get(0),
                    ProxyComparison.median(s), s.get(s.size() - 1), s.size());
        }
        System.out.printf(Locale.ROOT, "  failed requests: %d of %d%n", result.failures().size(), result.requests());
        bench.printFailures(result.failures());
        List<String> problems = new ArrayList<>(result.deployErrors());
        if (!result.failures().isEmpty()) {
            problems.add(result.failures().size() + " of " + result.requests() + " requests failed during rolling deploys that must lose none");
        }
        return problems;
    }

    private PreflightBench() {
    }
}
