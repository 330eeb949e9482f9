package dev.preflight.topology;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What differs between two environments, resource by resource and attribute by attribute, and which
 * differences break parity: the seed's environments are "nearly identical", so sizes and counts may
 * differ (desired count, cpu, memory, autoscaling bounds, instance and node types, storage, multi-AZ,
 * log retention, and each one's own address range), anything else may not (a circuit breaker off in one, another health-check path,
 * another engine version, a secret, a rule or a grant that exists in one only).
 */
public record TopologyDiff(String left, String right, List<Difference> differences) {
    private static final ObjectMapper JSON = new ObjectMapper().configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
    /** The attributes environments are meant to size differently. */
    private static final Set<String> SIZES = Set.of("desiredCount", "cpu", "memory", "min", "max", "instanceClass", "allocatedStorage",
            "multiAz", "nodeType", "numCacheNodes", "retentionInDays",
            // each environment's own address range (so that they can be peered), not a behaviour
            "cidr");
    /** Not resources: the names that tell environments apart. */
    private static final Set<String> IDENTITY = Set.of("environment", "project");

    /** One attribute (or resource) that differs; {@code null} on a side where it does not exist. */
    public record Difference(String path, String left, String right, boolean breaksParity, String why) {
        public String line(String leftName, String rightName) {
            return String.format("%s %s: %s %s, %s %s%s", breaksParity ? "!" : "~", path, leftName, left == null ? "(none)" : left,
                    rightName, right == null ? "(none)" : right, why.isEmpty() ? "" : "  [" + why + "]");
        }
    }

    public TopologyDiff {
        differences = List.copyOf(differences);
    }

    public static TopologyDiff of(Topology left, Topology right) {
        List<Difference> out = new ArrayList<>();
        compare("", JSON.valueToTree(left), JSON.valueToTree(right), out);
        return new TopologyDiff(left.environment(), right.environment(), out);
    }

    public List<Difference> parityBreaks() {
        return differences.stream().filter(Difference::breaksParity).toList();
    }

    /** The differences, parity breaks first, then sizes; and a closing line. */
    public String render() {
        StringBuilder s = new StringBuilder();
        parityBreaks().forEach(d -> s.append(d.line(left, right)).append('\n'));
        differences.stream().filter(d -> !d.breaksParity()).forEach(d -> s.append(d.line(left, right)).append('\n'));
        s.append(String.format("%s vs %s: %d difference(s), %d break parity (!), %d of sizes and counts (~)%n", left, right,
                differences.size(), parityBreaks().size(), differences.size() - parityBreaks().size()));
        return s.toString();
    }

    private static void compare(String path, JsonNode a, JsonNode b, List<Difference> out) {
        if (a.isObject() && b.isObject()) {
            Set<String> keys = new TreeSet<>();
            a.fieldNames().forEachRemaining(keys::add);
            b.fieldNames().forEachRemaining(keys::add);
            for (String key : keys) {
                if (path.isEmpty() && IDENTITY.contains(key)) {
                    continue;
                }
                String child = path.isEmpty() ? key : path + "." + key;
                JsonNode x = a.get(key);
                JsonNode y = b.get(key);
                if (present(x) && present(y)) {
                    compare(child, x, y, out);
                } else if (present(x) || present(y)) {
                    out.add(new Difference(child, present(x) ? brief(x) : null, present(y) ? brief(y) : null, true,
                            "exists in " + (present(x) ? "one" : "the other") + " only"));
                }
            }
            return;
        }
        if (a.equals(b)) {
            return;
        }
        String leaf = path.substring(path.lastIndexOf('.') + 1).replaceAll("\\[\\d+]$", "");
        boolean size = SIZES.contains(leaf);
        out.add(new Difference(path, brief(a), brief(b), !size, size ? "" : why(path)));
    }

    private static String why(String path) {
        if (path.endsWith("circuitBreaker.enable") || path.endsWith("circuitBreaker.rollback")) {
            return "a circuit breaker that acts in one only: a bad release rolls back in one and stays in the other";
        }
        if (path.contains("healthCheck")) {
            return "another health check: a release that passes in one can fail in the other";
        }
        if (path.endsWith("engineVersion")) {
            return "another engine version: what is tested is not what runs";
        }
        if (path.contains("deregistrationDelaySeconds") || path.endsWith("stopTimeout") || path.contains("deployment.")) {
            return "another deployment behaviour: a cutover safe in one can drop requests in the other";
        }
        if (path.endsWith("imageTagMutability")) {
            return "a pipeline that pushes a tag again works in one and is refused in the other";
        }
        if (path.startsWith("iam.")) {
            return "other permissions: what works in one is denied (or allowed) in the other";
        }
        return "not a size or a count";
    }

    private static boolean present(JsonNode n) {
        return n != null && !n.isNull() && !n.isMissingNode();
    }

    private static String brief(JsonNode n) {
        String s = n.isValueNode() ? n.asText() : n.toString();
        return s.length() > 120 ? s.substring(0, 117) + "..." : s;
    }
}
