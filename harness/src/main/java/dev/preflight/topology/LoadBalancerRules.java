package dev.preflight.topology;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.stream.Collectors;

/** The validation rules of the load balancer: listener, rules by priority and conditions, target groups and their health checks. */
final class LoadBalancerRules extends ValidationRules {
    LoadBalancerRules(ValidationRules context) {
        super(context);
    }

    void loadBalancer() {
        LoadBalancer lb = topology.loadBalancer();
        if (lb == null) {
            return;
        }
        if (required(lb.name(), "loadBalancer.name", "name the load balancer, e.g. 'name: web'")) {
            name("loadBalancer.name", lb.name(), "load balancer");
        }
        subnetGroup("loadBalancer", lb.subnets(), 2, "an Application Load Balancer needs subnets in at least two availability zones");
        sameZoneSubnets("loadBalancer.subnets", lb.subnets());
        securityGroupList("loadBalancer.securityGroups", lb.securityGroups());
        range("loadBalancer.idleTimeoutSeconds", lb.idleTimeoutSeconds(), 1, 4000, "idleTimeoutSeconds");
        targetGroups(lb);
        LoadBalancer.Listener listener = lb.listener();
        if (listener == null) {
            problem("loadBalancer.listener", "is missing",
                    "declare the listener, e.g. 'listener: { port: 80, protocol: HTTP, defaultTargetGroup: web }'");
            return;
        }
        port("loadBalancer.listener.port", listener.port());
        if (!"HTTP".equals(listener.protocol())) {
            problem("loadBalancer.listener.protocol", "protocol '" + listener.protocol()
                    + "' is not supported (HTTPS needs a certificate the topology cannot declare)", "use HTTP");
        }
        if (required(listener.defaultTargetGroup(), "loadBalancer.listener.defaultTargetGroup",
                "name the target group that gets requests no rule matches")) {
            reference("loadBalancer.listener.defaultTargetGroup", listener.defaultTargetGroup(), "target group",
                    lb.targetGroups().keySet(), "loadBalancer.targetGroups");
        }
        listenerRules(lb, listener.rules());
    }

    private void targetGroups(LoadBalancer lb) {
        Map<String, String> elbNames = new HashMap<>();
        for (Map.Entry<String, TargetGroup> entry : present(lb.targetGroups(), "loadBalancer.targetGroups")) {
            String path = "loadBalancer.targetGroups." + entry.getKey();
            TargetGroup group = entry.getValue();
            name(path, entry.getKey(), "target group");
            String elbName = topology.naming().elbName(entry.getKey());
            String clash = elbNames.putIfAbsent(elbName, entry.getKey());
            if (clash != null) {
                problem(path, "target groups '" + clash + "' and '" + entry.getKey() + "' get the same AWS name '" + elbName
                        + "' (ELB names are cut to 32 characters)", "rename one of them");
            }
            if (required(group.port(), path + ".port", "give the port targets receive traffic on, e.g. 'port: 8080'")) {
                port(path + ".port", group.port());
            }
            healthCheck(path + ".healthCheck", group.healthCheck());
            range(path + ".deregistrationDelaySeconds", group.deregistrationDelaySeconds(), 0, 3600,
                    "deregistrationDelaySeconds");
            oneOf(path + ".algorithm", group.algorithm(), ALGORITHMS, "algorithm");
        }
    }

    private void healthCheck(String path, TargetGroup.HealthCheck check) {
        if (check.path() == null || !check.path().startsWith("/") || check.path().length() > 1024) {
            problem(path + ".path", "health check path '" + check.path() + "' must start with '/'",
                    "write an absolute path such as /health");
        }
        boolean interval = range(path + ".intervalSeconds", check.intervalSeconds(), 5, 300, "intervalSeconds");
        boolean timeout = range(path + ".timeoutSeconds", check.timeoutSeconds(), 2, 120, "timeoutSeconds");
        if (interval && timeout && check.timeoutSeconds() >= check.intervalSeconds()) {
            problem(path + ".timeoutSeconds", "timeoutSeconds (" + check.timeoutSeconds()
                            + ") must be less than intervalSeconds (" + check.intervalSeconds() + ")",
                    "lower timeoutSeconds below " + check.intervalSeconds() + " or raise intervalSeconds",
                    path + ".intervalSeconds");
        }
        range(path + ".healthyThreshold", check.healthyThreshold(), 2, 10, "healthyThreshold");
        range(path + ".unhealthyThreshold", check.unhealthyThreshold(), 2, 10, "unhealthyThreshold");
        matcher(path + ".matcher", check.matcher());
    }

    private void matcher(String path, String matcher) {
        String fix = "use HTTP codes from 200 to 499: one ('200'), a list ('200,302') or a range ('200-299')";
        for (String part : matcher.split(",", -1)) {
            Matcher m = MATCHER_PART.matcher(part.trim());
            if (!m.matches()) {
                problem(path, "'" + matcher + "' is not a valid matcher", fix);
                return;
            }
            int low = Integer.parseInt(m.group(1));
            int high = m.group(2) == null ? low : Integer.parseInt(m.group(2));
            if (low < 200 || high > 499 || low > high) {
                problem(path, "matcher '" + matcher + "' has codes outside 200-499 or a reversed range", fix);
                return;
            }
        }
    }

    private void listenerRules(LoadBalancer lb, List<LoadBalancer.ListenerRule> rules) {
        Map<Integer, Integer> priorities = new HashMap<>();
        Map<String, Integer> conditions = new HashMap<>();
        for (int i = 0; i < rules.size(); i++) {
            String path = "loadBalancer.listener.rules[" + i + "]";
            LoadBalancer.ListenerRule rule = rules.get(i);
            if (rule == null) {
                problem(path, "is empty", "write '{ priority: 10, pathPatterns: [\"/api/*\"], targetGroup: api }'");
                continue;
            }
            if (required(rule.priority(), path + ".priority", "give the rule a priority from 1 to 50000 (lowest runs first)")
                    && range(path + ".priority", rule.priority(), 1, 50000, "priority")) {
                Integer other = priorities.putIfAbsent(rule.priority(), i);
                if (other != null) {
                    problem(path + ".priority", "rules[" + other + "] and rules[" + i + "] both have priority "
                                    + rule.priority() + "; priorities must be unique on a listener",
                            "give rules[" + i + "] another priority", "loadBalancer.listener.rules[" + other + "]");
                }
            }
            if (required(rule.targetGroup(), path + ".targetGroup", "name the target group the rule forwards to")) {
                reference(path + ".targetGroup", rule.targetGroup(), "target group", lb.targetGroups().keySet(),
                        "loadBalancer.targetGroups");
            }
            ruleConditions(path, rule);
            if (rule.pathPatterns().isEmpty() && rule.hostHeaders().isEmpty()) {
                continue;
            }
            String key = new TreeSet<>(rule.pathPatterns()) + " " + rule.hostHeaders().stream()
                    .map(h -> h == null ? "" : h.toLowerCase(Locale.ROOT)).collect(Collectors.toCollection(TreeSet::new));
            Integer same = conditions.putIfAbsent(key, i);
            if (same != null) {
                LoadBalancer.ListenerRule first = rules.get(same);
                boolean firstWins = first.priority() == null || rule.priority() == null || first.priority() <= rule.priority();
                int shadowed = firstWins ? i : same;
                int winner = firstWins ? same : i;
                problem(path, "rules[" + same + "] and rules[" + i + "] have the same conditions ("
                                + describeConditions(rule) + "): they are ambiguous and rules[" + shadowed
                                + "] would never be reached",
                        "change the conditions of rules[" + shadowed + "] or remove it (rules[" + winner
                                + "] takes these requests)", "loadBalancer.listener.rules[" + same + "]");
            }
        }
    }

    private void ruleConditions(String path, LoadBalancer.ListenerRule rule) {
        int values = rule.pathPatterns().size() + rule.hostHeaders().size();
        if (values == 0) {
            problem(path, "the rule has no condition", "give it pathPatterns and/or hostHeaders (the default action "
                    + "is loadBalancer.listener.defaultTargetGroup)");
        }
        if (rule.pathPatterns().size() > 5) {
            problem(path + ".pathPatterns", "pathPatterns has " + rule.pathPatterns().size()
                    + " values; a condition allows at most 5", "split the rule into several rules");
        } else if (rule.hostHeaders().size() > 5) {
            problem(path + ".hostHeaders", "hostHeaders has " + rule.hostHeaders().size()
                    + " values; a condition allows at most 5", "split the rule into several rules");
        } else if (values > 5) {
            problem(path, "the rule has " + values + " condition values (pathPatterns and hostHeaders together); "
                    + "ALB allows at most 5 per rule", "split the rule into several rules");
        }
        for (int j = 0; j < rule.pathPatterns().size(); j++) {
            String pattern = rule.pathPatterns().get(j);
            if (pattern == null || pattern.isEmpty() || pattern.length() > 128
                    || !(pattern.startsWith("/") || pattern.startsWith("*"))) {
                problem(path + ".pathPatterns[" + j + "]", "path pattern '" + pattern
                                + "' must start with '/' (or '*') and have at most 128 characters",
                        "write a pattern such as /api/*");
            }
        }
        for (int j = 0; j < rule.hostHeaders().size(); j++) {
            String host = rule.hostHeaders().get(j);
            if (host == null || host.isEmpty() || host.length() > 128 || !host.matches("[A-Za-z0-9.*?-]+")) {
                problem(path + ".hostHeaders[" + j + "]", "host header '" + host + "' is not a valid host pattern",
                        "use letters, digits, '-', '.', '*' and '?', e.g. admin.example.com or admin.*");
            }
        }
    }

    private static String describeConditions(LoadBalancer.ListenerRule rule) {
        List<String> parts = new ArrayList<>();
        if (!rule.pathPatterns().isEmpty()) {
            parts.add("pathPatterns " + rule.pathPatterns());
        }
        if (!rule.hostHeaders().isEmpty()) {
            parts.add("hostHeaders " + rule.hostHeaders());
        }
        return String.join(", ", parts);
    }
}
