package dev.preflight.topology;

import java.util.List;
import java.util.Map;

/** The Application Load Balancer: one HTTP listener whose rules forward to target groups. */
public record LoadBalancer(
        String name,
        List<String> subnets,
        List<String> securityGroups,
        Integer idleTimeoutSeconds,
        Listener listener,
        Map<String, TargetGroup> targetGroups) {
    public LoadBalancer {
        subnets = Maps.copy(subnets);
        securityGroups = Maps.copy(securityGroups);
        idleTimeoutSeconds = idleTimeoutSeconds == null ? 60 : idleTimeoutSeconds;
        targetGroups = Maps.copy(targetGroups);
    }

    public record Listener(Integer port, String protocol, String defaultTargetGroup, List<ListenerRule> rules) {
        public Listener {
            port = port == null ? 80 : port;
            protocol = protocol == null ? "HTTP" : protocol;
            rules = Maps.copy(rules);
        }
    }

    /** A listener rule: lowest priority first; all given conditions must match. */
    public record ListenerRule(Integer priority, List<String> pathPatterns, List<String> hostHeaders, String targetGroup) {
        public ListenerRule {
            pathPatterns = Maps.copy(pathPatterns);
            hostHeaders = Maps.copy(hostHeaders);
        }
    }
}
