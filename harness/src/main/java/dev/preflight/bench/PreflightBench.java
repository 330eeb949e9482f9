package dev.preflight.bench;

import dev.preflight.deploy.DeployNotifier;
import dev.preflight.deploy.DeployPipeline;
import dev.preflight.deploy.DeployResult;
import dev.preflight.ecs.EcsRuntime;
import dev.preflight.ecs.EcsTask;
import dev.preflight.engine.EngineSettings;
import dev.preflight.engine.Engines;
import dev.preflight.environment.Environment;
import dev.preflight.environment.TopologyLocator;
import dev.preflight.topology.Topology;
import dev.preflight.topology.TopologyLoader;
import dev.preflight.traffic.LoadGenerator;
import dev.preflight.traffic.LoadProfile;
import dev.preflight.traffic.LoadRun;
import dev.preflight.traffic.LoadSummary;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code make bench}: prints the figures users ask about, measured on this machine in one run.
 * <ul>
 *   <li>a 3-task rolling deploy of api to steady state, under load (three runs);</li>
 *   <li>the load balancer's added latency (p50, p99 at a fixed rate) and its maximum throughput
 *       (closed loop), against calling one task directly, side by side.</li>
 * </ul>
 * Numbers depend on the machine and on the time scale; they are printed, never asserted.
 */
public final class PreflightBench {
    private static final int RATE = 150;

    public static void main(String[] args) throws Exception {
        Topology topology = new TopologyLoader().load(TopologyLocator.topologyDir(), "dev").withProject("bench");
        try (Engines engines = Engines.create(EngineSettings.fromSystem()).start();
             Environment env = Environment.provision(topology, engines, null);
             EcsRuntime runtime = EcsRuntime.start(env)) {
            System.out.println("preflight bench: engines " + engines.kind().id() + ", time scale " + runtime.timeScale().factor());
            DeployPipeline pipeline = new DeployPipeline(runtime, DeployNotifier.none());
            env.aws().ecs().updateService(r -> r.cluster(runtime.clusterName()).service(runtime.awsServiceName("api")).desiredCount(3));
            require(pipeline.deploy("api", "v0"));

            rollingDeploys(runtime, pipeline);
            loadBalancerOverhead(runtime);
        }
    }

    private static void rollingDeploys(EcsRuntime runtime, DeployPipeline pipeline) {
        System.out.println();
        System.out.println("Rolling deploy of 3 api tasks to steady state, under " + RATE + " req/s through the load balancer");
        List<Double> seconds = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            try (LoadRun load = LoadGenerator.start(runtime.loadBalancer().url(), LoadProfile.of(RATE, Duration.ofSeconds(60))
                    .withPath("/api/version"))) {
                DeployResult result = require(pipeline.deploy("api", "v" + i));
                load.stop();
                load.awaitCompletion(Duration.ofSeconds(30));
                LoadSummary s = load.summary();
                seconds.add(result.duration().toMillis() / 1000.0);
                System.out.printf("  run %d: %5.2f s to steady state (%.0f AWS seconds at this time scale); %d requests, %d failed%n",
                        i, result.duration().toMillis() / 1000.0, runtime.timeScale().toAwsSeconds(result.duration()), s.total(), s.failed());
            }
        }
        seconds.sort(Double::compare);
        System.out.printf("  median: %.2f s%n", seconds.get(1));
    }

    private static void loadBalancerOverhead(EcsRuntime runtime) throws Exception {
        EcsTask task = runtime.service("api").runningTasks().get(0);
        URI direct = URI.create("http://127.0.0.1:" + task.port());
        URI viaAlb = runtime.loadBalancer().url();
        System.out.println();
        System.out.println("Load balancer overhead: one request path, direct to a task vs through the load balancer (3 tasks behind it)");
        LoadSummary d = fixedRate(direct, "/version");
        LoadSummary a = fixedRate(viaAlb, "/api/version");
        System.out.printf("  latency at %d req/s   direct p50 %6.2f ms  p99 %6.2f ms | via ALB p50 %6.2f ms  p99 %6.2f ms | added p50 %+6.2f ms  p99 %+6.2f ms%n",
                RATE, d.p50Millis(), d.p99Millis(), a.p50Millis(), a.p99Millis(), a.p50Millis() - d.p50Millis(), a.p99Millis() - d.p99Millis());
        ThroughputProbe.Result td = ThroughputProbe.measure(direct.resolve("/version"), 32, Duration.ofSeconds(8));
        ThroughputProbe.Result ta = ThroughputProbe.measure(viaAlb.resolve("/api/version"), 32, Duration.ofSeconds(8));
        System.out.printf("  max throughput (32 in flight, 8 s)   direct %7.0f req/s (%d failed) | via ALB %7.0f req/s (%d failed)%n",
                td.requestsPerSecond(), td.failed(), ta.requestsPerSecond(), ta.failed());
    }

    private static LoadSummary fixedRate(URI base, String path) {
        try (LoadRun run = LoadGenerator.start(base, LoadProfile.of(RATE, Duration.ofSeconds(10)).withPath(path))) {
            run.awaitCompletion(Duration.ofSeconds(40));
            return run.summary();
        }
    }

    private static DeployResult require(DeployResult result) {
        if (!result.succeeded()) {
            throw new IllegalStateException("deploy failed: " + result);
        }
        return result;
    }

    private PreflightBench() {
    }
}
