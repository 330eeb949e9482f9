package dev.preflight.bench;

import dev.preflight.alb.ApplicationLoadBalancer;
import dev.preflight.alb.LoadBalancerOptions;
import dev.preflight.alb.Target;
import dev.preflight.alb.TargetGroupRuntime;
import dev.preflight.alb.TargetState;
import dev.preflight.environment.TopologyLocator;
import dev.preflight.time.TimeScale;
import dev.preflight.topology.LoadBalancer;
import dev.preflight.topology.TargetGroup;
import dev.preflight.topology.Topology;
import dev.preflight.topology.TopologyLoader;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Preflight's load balancer alone, in its own JVM, in front of one target: what the bench compares
 * with nginx, so that both proxies run as separate processes and the bench's own threads do not
 * share the proxy's JVM. The listener's one rule sends everything to the dev topology's {@code api}
 * target group (its health check, algorithm and deregistration delay), with the options
 * {@code EcsRuntime} gives its load balancer; the time scale is the usual one.
 *
 * <p>Usage: {@code StandaloneLoadBalancer <target port>}. Prints {@code ready <port>} once the
 * target is healthy, then serves until its standard input ends (or SIGTERM).
 */
public final class StandaloneLoadBalancer {
    static final String READY = "ready ";

    public static void main(String[] args) throws IOException {
        if (args.length != 1) {
            System.err.println("usage: StandaloneLoadBalancer <target port on 127.0.0.1>");
            System.exit(2);
        }
        int targetPort = Integer.parseInt(args[0]);
        Topology topology = new TopologyLoader().load(TopologyLocator.topologyDir(), "dev");
        TargetGroup api = topology.loadBalancer().targetGroups().get("api");
        LoadBalancer config = new LoadBalancer("bench", List.of(), List.of(), topology.loadBalancer().idleTimeoutSeconds(),
                new LoadBalancer.Listener(80, "HTTP", "api", List.of()), Map.of("api", api));
        ApplicationLoadBalancer alb = ApplicationLoadBalancer.start(config, TimeScale.fromSystem(), LoadBalancerOptions.defaults());
        Runtime.getRuntime().addShutdownHook(new Thread(alb::close, "standalone-alb-stop"));
        TargetGroupRuntime group = alb.targetGroup("api");
        group.register(new Target("backend", "127.0.0.1", targetPort));
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (group.health().get("backend").state() != TargetState.HEALTHY) {
            if (System.nanoTime() > deadline) {
                System.err.println("target 127.0.0.1:" + targetPort + " not healthy within 30 s: " + group.health());
                alb.close();
                System.exit(1);
            }
            sleep();
        }
        System.out.println(READY + alb.port());
        System.out.flush();
        while (System.in.read() >= 0) {
            // serve until the bench closes our standard input
        }
        alb.close();
    }

    private static void sleep() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private StandaloneLoadBalancer() {
    }
}
