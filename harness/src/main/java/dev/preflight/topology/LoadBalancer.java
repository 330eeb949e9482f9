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

    /** The same load balancer with one target group changed. */
    public LoadBalancer withTargetGroup(String name, java.util.function.UnaryOperator<TargetGroup> change) {
        Map<String, TargetGroup> groups = new java.util.LinkedHashMap<>(targetGroups);
        groups.put(name, change.apply(groups.get(name)));
        return new LoadBalancer(this.name, subnets, securityGroups, idleTimeoutSeconds, listener, groups);
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
