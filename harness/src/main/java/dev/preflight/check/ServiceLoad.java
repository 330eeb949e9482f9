package dev.preflight.check;

import dev.preflight.topology.CheckSettings;
import dev.preflight.topology.EcsService;
import dev.preflight.topology.LoadBalancer;
import dev.preflight.topology.Topology;
import dev.preflight.traffic.LoadProfile;
import java.time.Duration;
import java.util.Optional;

/**
 * The load a check puts on one service through the load balancer: the service's
 * {@code check.load} where it says, else 20 requests per second for at least 10 s (as long as what it
 * measures lasts) on a path the listener
 * routes to the service's target group (a path rule's pattern with {@code *} as "version", a
 * host-header rule's host with {@code /version}, {@code /version} for the default target group).
 */
public record ServiceLoad(double rps, String path, Duration duration, String host) {
    public static final double DEFAULT_RPS = 20;
    public static final Duration DEFAULT_DURATION = Duration.ofSeconds(10);

    /** Empty when the service is not behind the load balancer. */
    public static Optional<ServiceLoad> of(Topology topology, String service) {
        EcsService model = topology.ecs().services().get(service);
        LoadBalancer lb = topology.loadBalancer();
        if (model == null || model.targetGroup() == null || lb == null) {
            return Optional.empty();
        }
        CheckSettings.Load given = model.check().load();
        String path = "/version";
        String host = null;
        for (LoadBalancer.ListenerRule rule : lb.listener().rules()) {
            if (!rule.targetGroup().equals(model.targetGroup())) {
                continue;
            }
            if (!rule.pathPatterns().isEmpty()) {
                path = rule.pathPatterns().get(0).replace("*", "version").replace("?", "x");
            } else if (!rule.hostHeaders().isEmpty()) {
                host = rule.hostHeaders().get(0).replace("*", "example.com").replace("?", "x");
            }
            break;
        }
        return Optional.of(new ServiceLoad(
                given.rps() != null ? given.rps() : DEFAULT_RPS,
                given.path() != null ? given.path() : path,
                given.durationSeconds() != null ? Duration.ofSeconds(given.durationSeconds()) : DEFAULT_DURATION,
                given.host() != null ? given.host() : host));
    }

    /** This load at {@code rps}, lasting {@code length} (a check stops it earlier when it is done). */
    public LoadProfile profile(double requestsPerSecond, Duration length) {
        LoadProfile profile = LoadProfile.of(requestsPerSecond, length).withPath(path).withMaxConcurrency(200);
        return host == null ? profile : profile.withHeader("Host", host);
    }

    public LoadProfile profile(Duration length) {
        return profile(rps, length);
    }

    /** e.g. "20 requests/s on /api/version". */
    public String describe() {
        return String.format(java.util.Locale.ROOT, "%.0f requests/s on %s%s", rps, path, host == null ? "" : " (Host: " + host + ")");
    }
}
