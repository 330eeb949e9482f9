package dev.preflight.alb;

import dev.preflight.topology.LoadBalancer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * The listener's rules in evaluation order: lowest priority first, then the default action. A rule
 * matches when each condition it has matches (any of its values); path-pattern sees the path only,
 * host-header the Host header without its port.
 */
final class ListenerRules {
    private record Rule(int priority, List<WildcardPattern> paths, List<WildcardPattern> hosts, String targetGroup) {
        boolean matches(String host, String path) {
            return (paths.isEmpty() || paths.stream().anyMatch(p -> p.matches(path)))
                    && (hosts.isEmpty() || hosts.stream().anyMatch(h -> h.matches(host)));
        }
    }

    private final List<Rule> rules;
    private final String defaultTargetGroup;

    private ListenerRules(List<Rule> rules, String defaultTargetGroup) {
        this.rules = rules;
        this.defaultTargetGroup = defaultTargetGroup;
    }

    /** Checks every forward names a known group, so a typo fails at start, not on the first request. */
    static ListenerRules from(String loadBalancer, LoadBalancer.Listener listener, Set<String> targetGroups) {
        String where = "load balancer '" + loadBalancer + "'";
        if (listener.defaultTargetGroup() == null || !targetGroups.contains(listener.defaultTargetGroup())) {
            throw new LoadBalancerException(where + ": listener.defaultTargetGroup '" + listener.defaultTargetGroup()
                    + "' is not one of its target groups " + targetGroups + "; name one of them");
        }
        List<Rule> rules = new ArrayList<>();
        for (LoadBalancer.ListenerRule rule : listener.rules()) {
            String ruleWhere = where + ", listener rule with priority " + rule.priority();
            if (rule.priority() == null) {
                throw new LoadBalancerException(where + ": a listener rule forwarding to '" + rule.targetGroup()
                        + "' has no priority; give it one from 1 to 50000");
            }
            if (!targetGroups.contains(rule.targetGroup())) {
                throw new LoadBalancerException(ruleWhere + ": target group '" + rule.targetGroup()
                        + "' is not one of " + targetGroups);
            }
            if (rules.stream().anyMatch(r -> r.priority() == rule.priority())) {
                throw new LoadBalancerException(ruleWhere + ": another rule has the same priority; priorities must be unique");
            }
            rules.add(new Rule(rule.priority(),
                    rule.pathPatterns().stream().map(WildcardPattern::path).toList(),
                    rule.hostHeaders().stream().map(WildcardPattern::host).toList(),
                    rule.targetGroup()));
        }
        rules.sort(Comparator.comparingInt(Rule::priority));
        return new ListenerRules(List.copyOf(rules), listener.defaultTargetGroup());
    }

    /** The target group for a request, by its Host header (may be null) and its path (no query). */
    String targetGroupFor(String hostHeader, String path) {
        String host = hostWithoutPort(hostHeader);
        for (Rule rule : rules) {
            if (rule.matches(host, path)) {
                return rule.targetGroup();
            }
        }
        return defaultTargetGroup;
    }

    static String hostWithoutPort(String hostHeader) {
        if (hostHeader == null) {
            return null;
        }
        String host = hostHeader.trim();
        if (host.startsWith("[")) { // IPv6 literal: the port, if any, follows the bracket
            int end = host.indexOf(']');
            return end < 0 ? host : host.substring(0, end + 1);
        }
        int colon = host.lastIndexOf(':');
        return colon < 0 ? host : host.substring(0, colon);
    }
}
