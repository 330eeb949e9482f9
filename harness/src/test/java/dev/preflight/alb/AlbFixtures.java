package dev.preflight.alb;

import dev.preflight.time.TimeScale;
import dev.preflight.topology.LoadBalancer;
import dev.preflight.topology.TargetGroup;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Topology records for the tests. The load balancer keeps AWS's two clocks (docs/aws-behaviour.md):
 * counted health checks, their timeouts, the idle timeout and the deregistration delay of in-flight
 * requests are real time; probes of starting targets and the idle rest of a drain run at the time
 * scale, 100 here. So the groups check every second (below AWS's 5 s minimum, which the validator
 * refuses; the load balancer takes the model as given) to keep the tests short.
 */
final class AlbFixtures {
    static final TimeScale SCALE = new TimeScale(100);
    static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    private AlbFixtures() {
    }

    /** A group with AWS-shaped settings: counted checks every 1 s, each with a 1 s timeout. */
    static TargetGroup group(String algorithm, int healthyThreshold, int unhealthyThreshold, String matcher,
                             int deregistrationDelaySeconds) {
        return group(1, algorithm, healthyThreshold, unhealthyThreshold, matcher, deregistrationDelaySeconds);
    }

    static TargetGroup group(int intervalSeconds, String algorithm, int healthyThreshold, int unhealthyThreshold,
                             String matcher, int deregistrationDelaySeconds) {
        return new TargetGroup(8080, new TargetGroup.HealthCheck("/health", intervalSeconds, Math.max(1, Math.min(5, intervalSeconds - 1)),
                healthyThreshold, unhealthyThreshold, matcher), deregistrationDelaySeconds, algorithm);
    }

    static TargetGroup group() {
        return group("round_robin", 3, 2, "200", 300);
    }

    /**
     * For tests about routing, not health: 10 consecutive failures (ten seconds of them) to turn
     * unhealthy, so a loaded machine cannot make a target flap and skew the spread.
     */
    static TargetGroup steadyGroup(String algorithm) {
        return group(algorithm, 3, 10, "200", 300);
    }

    static LoadBalancer lb(String name, int idleTimeoutSeconds, Map<String, TargetGroup> groups, String defaultGroup,
                           List<LoadBalancer.ListenerRule> rules) {
        return new LoadBalancer(name, List.of("public-a"), List.of("alb"), idleTimeoutSeconds,
                new LoadBalancer.Listener(80, "HTTP", defaultGroup, rules), new LinkedHashMap<>(groups));
    }

    /** One group named "app", default action. */
    static LoadBalancer single(String name, int idleTimeoutSeconds, TargetGroup group) {
        return lb(name, idleTimeoutSeconds, Map.of("app", group), "app", List.of());
    }

    static HttpResponse<String> get(ApplicationLoadBalancer alb, String pathAndQuery) {
        return send(HttpRequest.newBuilder(URI.create(alb.url() + pathAndQuery)).timeout(Duration.ofSeconds(20)).build());
    }

    static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException("request " + request.uri() + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A port nothing listens on (bound and released, so connecting is refused). */
    static int closedPort() {
        try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void awaitHealthy(TargetGroupRuntime group, String targetId) {
        Await.until("target " + targetId + " healthy in " + group.name(), Duration.ofSeconds(10),
                () -> group.health().containsKey(targetId) && group.health().get(targetId).state() == TargetState.HEALTHY,
                group::health);
    }
}
