package dev.preflight.topology;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What every kind's validation rules share: the topology, where each value came from, the problems
 * found so far, AWS's lists and ranges, and the helpers that word a problem (file, dotted path, fix).
 * Each resource kind has its rules in a class of its own ({@code NetworkRules}, {@code EcsRules}, ...),
 * as each has its provisioner; {@link TopologyValidator} runs them in order.
 */
abstract class ValidationRules {

    static final Pattern PROJECT = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");
    static final Pattern NAME = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
    static final Pattern REGION = Pattern.compile("[a-z]{2}(-gov)?-[a-z]+-\\d");
    static final Pattern ENV_VAR = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    static final Pattern PG_IDENTIFIER = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,62}");
    static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");
    static final Pattern IAM_ACTION = Pattern.compile("[a-z0-9-]+:[A-Za-z0-9*?]+");
    static final Pattern GITHUB_REPOSITORY =
            Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]*(@\\d+)?/[A-Za-z0-9._-]+(@\\d+)?");
    static final Pattern MATCHER_PART = Pattern.compile("(\\d{3})(?:-(\\d{3}))?");

    static final List<Integer> RETENTION_DAYS = List.of(1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365,
            400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653);
    static final List<String> ALGORITHMS = List.of("round_robin", "least_outstanding_requests", "weighted_random");
    static final String CPU_METRIC = "ECSServiceAverageCPUUtilization";
    static final String MEMORY_METRIC = "ECSServiceAverageMemoryUtilization";
    static final String REQUEST_METRIC = "ALBRequestCountPerTarget";
    static final List<String> METRICS = List.of(CPU_METRIC, MEMORY_METRIC, REQUEST_METRIC);
    static final List<String> RDS_SECRET_KEYS = List.of("username", "password", "engine", "host", "port", "dbname");
    static final String PLACEHOLDER_FORMS =
            "${elasticache.<id>.url}, ${s3.<id>.bucket}, ${rds.<id>.address} or ${rds.<id>.port}";
    static final String RESOURCE_FORMS =
            "'*', 'ecr:<repository>', 'logs:<group>', 'secret:<name>', 's3:<bucket>', 's3:<bucket>/<key-pattern>', 'ecs:<service>' or 'role:<role>'";
    static final int POSTGRES_PORT = 5432;
    static final int REDIS_PORT = 6379;

    /** Fargate task sizes: cpu units to the memory sizes (MiB) allowed with them (Linux, platform 1.4.0). */
    static final Map<Integer, List<Integer>> FARGATE_SIZES = fargateSizes();

    final Topology topology;
    final SourceMap sources;
    final List<TopologyException.Problem> problems;

    ValidationRules(Topology topology, SourceMap sources, List<TopologyException.Problem> problems) {
        this.topology = topology;
        this.sources = sources;
        this.problems = problems;
    }

    /** Rules of another kind, checking the same topology into the same list of problems. */
    ValidationRules(ValidationRules context) {
        this(context.topology, context.sources, context.problems);
    }

    /** A VPC or subnet block: valid, /16 to /28, no host bits. Returns it when usable for containment. */
    Cidr blockCidr(String path, String text, String example) {
        return cidr(path, text, 16, 28, example);
    }

    Cidr cidr(String path, String text, int minPrefix, int maxPrefix, String example) {
        Optional<Cidr> parsed = Cidr.parse(text);
        if (parsed.isEmpty()) {
            problem(path, "'" + text + "' is not a valid IPv4 CIDR block",
                    "write four numbers 0-255 and a prefix length, e.g. " + example);
            return null;
        }
        Cidr cidr = parsed.get();
        if (cidr.prefix() < minPrefix || cidr.prefix() > maxPrefix) {
            problem(path, "prefix /" + cidr.prefix() + " of " + text + " is outside what AWS allows (/" + minPrefix
                    + " to /" + maxPrefix + ")", "use a prefix length from /" + minPrefix + " to /" + maxPrefix);
            return null;
        }
        if (cidr.hostBitsSet()) {
            problem(path, text + " has host bits set", "use the network address " + cidr.network());
            return null;
        }
        return cidr;
    }

    /** Target groups the listener forwards to (default action and rules). */
    Set<String> routedTargetGroups() {
        Set<String> routed = new LinkedHashSet<>();
        LoadBalancer lb = topology.loadBalancer();
        if (lb != null && lb.listener() != null) {
            if (lb.listener().defaultTargetGroup() != null) {
                routed.add(lb.listener().defaultTargetGroup());
            }
            lb.listener().rules().stream().filter(Objects::nonNull).map(LoadBalancer.ListenerRule::targetGroup)
                    .filter(Objects::nonNull).forEach(routed::add);
        }
        return routed;
    }

    static boolean grants(Role role, String action, String resource) {
        boolean allowed = false;
        for (Role.PolicyStatement statement : role.statements()) {
            if (statement == null) {
                continue;
            }
            boolean actionMatches = statement.actions().stream().filter(Objects::nonNull)
                    .anyMatch(a -> glob(a.toLowerCase(Locale.ROOT), action.toLowerCase(Locale.ROOT)));
            boolean resourceMatches = statement.resources().stream().filter(Objects::nonNull)
                    .anyMatch(r -> r.equals("*") || r.equals(resource));
            if (actionMatches && resourceMatches) {
                if ("Deny".equals(statement.effect())) {
                    return false;
                }
                allowed = true;
            }
        }
        return allowed;
    }

    static boolean glob(String pattern, String text) {
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            regex.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
        }
        return text.matches(regex.toString());
    }

    Set<String> databasesUsed(Container container) {
        Set<String> dbs = new TreeSet<>(placeholderIds(container, "rds"));
        container.secrets().values().stream().filter(Objects::nonNull)
                .map(v -> topology.secrets().get(v.split(":", -1)[0]))
                .filter(s -> s != null && s.database() != null)
                .forEach(s -> dbs.add(s.database()));
        return dbs;
    }

    static Set<String> placeholderIds(Container container, String kind) {
        Set<String> ids = new TreeSet<>();
        for (String value : container.environment().values()) {
            if (value == null) {
                continue;
            }
            Matcher m = PLACEHOLDER.matcher(value);
            while (m.find()) {
                String[] parts = m.group(1).split("\\.", -1);
                if (parts.length == 3 && parts[0].equals(kind)) {
                    ids.add(parts[1]);
                }
            }
        }
        return ids;
    }

    /**
     * Whether some group of {@code to} lets {@code port} in from a group of {@code fromGroups} or from a CIDR that
     * covers every subnet of the sender. Unknown groups or subnets are reported elsewhere: the check then passes.
     */
    boolean reaches(List<String> fromGroups, List<String> fromSubnets, List<String> to, int port) {
        Map<String, SecurityGroup> groups = topology.network() == null ? Map.of() : topology.network().securityGroups();
        Map<String, Subnet> subnets = topology.network() == null ? Map.of() : topology.network().subnets();
        if (to.isEmpty() || fromGroups.isEmpty() || !groups.keySet().containsAll(to) || !groups.keySet().containsAll(fromGroups)) {
            return true;
        }
        List<Cidr> senders = new ArrayList<>();
        for (String subnet : fromSubnets) {
            Subnet s = subnets.get(subnet);
            Optional<Cidr> cidr = s == null ? Optional.empty() : Cidr.parse(s.cidr());
            if (cidr.isEmpty()) {
                return true;
            }
            senders.add(cidr.get());
        }
        for (String group : to) {
            SecurityGroup sg = groups.get(group);
            if (sg == null) {
                continue;
            }
            for (IngressRule rule : sg.ingress()) {
                if (rule == null || !"tcp".equals(rule.protocol()) || !Objects.equals(rule.port(), port)) {
                    continue;
                }
                if (rule.source() != null && fromGroups.contains(rule.source())) {
                    return true;
                }
                Optional<Cidr> cidr = Cidr.parse(rule.cidr());
                if (cidr.isPresent() && !senders.isEmpty() && senders.stream().allMatch(cidr.get()::contains)) {
                    return true;
                }
            }
        }
        return false;
    }

    Set<String> securityGroups() {
        return topology.network() == null ? Set.of() : topology.network().securityGroups().keySet();
    }

    Map<String, Subnet> subnets() {
        return topology.network() == null ? Map.of() : topology.network().subnets();
    }

    void subnetReferences(String path, List<String> names) {
        for (int i = 0; i < names.size(); i++) {
            reference(path + "[" + i + "]", names.get(i), "subnet", subnets().keySet(), "network.subnets");
        }
        listedOnce(path, names);
    }

    void listedOnce(String path, List<String> names) {
        for (int i = 0; i < names.size(); i++) {
            int first = names.indexOf(names.get(i));
            if (first < i) {
                problem(path + "[" + i + "]", "'" + names.get(i) + "' is listed twice (also at [" + first + "])",
                        "list each name once");
            }
        }
    }

    /** Subnets of a resource: at least one, all known, spanning {@code zones} availability zones. */
    void subnetGroup(String owner, List<String> names, int zones, String why) {
        String path = owner + ".subnets";
        if (names.isEmpty()) {
            problem(path, "no subnets are named", "list the subnets; " + why);
            return;
        }
        subnetReferences(path, names);
        Set<String> azs = new TreeSet<>();
        for (String name : new LinkedHashSet<>(names)) {
            Subnet subnet = subnets().get(name);
            if (subnet == null || subnet.availabilityZone() == null) {
                return;
            }
            azs.add(subnet.availabilityZone());
        }
        if (azs.size() < zones) {
            problem(path, "subnets " + names + " cover " + azs.size() + " availability zone" + (azs.size() == 1 ? "" : "s")
                    + " " + azs + "; " + why, "add a subnet in another availability zone");
        }
    }

    /** An ALB takes at most one subnet per availability zone. */
    void sameZoneSubnets(String path, List<String> names) {
        Map<String, String> byZone = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            Subnet subnet = subnets().get(names.get(i));
            if (subnet == null || subnet.availabilityZone() == null) {
                continue;
            }
            String other = byZone.putIfAbsent(subnet.availabilityZone(), names.get(i));
            if (other != null && !other.equals(names.get(i))) {
                problem(path + "[" + i + "]", "subnets '" + other + "' and '" + names.get(i) + "' are both in "
                                + subnet.availabilityZone() + "; a load balancer takes one subnet per availability zone",
                        "keep one subnet per availability zone");
            }
        }
    }

    void securityGroupList(String path, List<String> names) {
        if (names.isEmpty()) {
            problem(path, "no security groups are named", "list at least one security group of network.securityGroups");
        }
        for (int i = 0; i < names.size(); i++) {
            reference(path + "[" + i + "]", names.get(i), "security group", securityGroups(), "network.securityGroups");
        }
        listedOnce(path, names);
    }

    /**
     * Reports an unknown name with the declared ones (and a did-you-mean). Returns whether the name is
     * known; a null value is not reported here (required checks do that) and returns false.
     */
    boolean reference(String path, String value, String kind, Collection<String> known, String section) {
        if (value == null || known.contains(value)) {
            return value != null;
        }
        Optional<String> suggestion = Suggestions.closest(value, known);
        String fix;
        if (known.isEmpty()) {
            fix = "declare '" + value + "' in " + section;
        } else if (suggestion.isPresent()) {
            fix = "did you mean '" + suggestion.get() + "'? Declared in " + section + ": " + String.join(", ", known);
        } else {
            fix = "use one of " + String.join(", ", known) + " (declared in " + section + "), or declare '" + value + "' there";
        }
        problem(path, "unknown " + kind + " '" + value + "'", fix);
        return false;
    }

    /** Non-null entries of a map; a null entry (a key with no value) is reported. */
    <V> List<Map.Entry<String, V>> present(Map<String, V> map, String path) {
        List<Map.Entry<String, V>> entries = new ArrayList<>();
        for (Map.Entry<String, V> entry : map.entrySet()) {
            if (entry.getValue() == null) {
                problem(path + "." + entry.getKey(), "has no value", "give it a mapping, e.g. '" + entry.getKey() + ": {}' "
                        + "for the defaults, or remove it");
            } else {
                entries.add(entry);
            }
        }
        return entries;
    }

    void name(String path, String name, String kind) {
        if (!NAME.matcher(name).matches()) {
            problem(path, "'" + name + "' is not a valid " + kind + " name (AWS names are built from it)",
                    "use lowercase letters, digits and single hyphens, e.g. '" + sanitize(name) + "'");
        }
    }

    void maxLength(String path, String awsName, int max, String what) {
        if (awsName.length() > max) {
            problem(path, "the " + what + " '" + awsName + "' has " + awsName.length() + " characters; AWS allows " + max,
                    "shorten the name (AWS's name is <project>-<environment>-<name>)");
        }
    }

    boolean required(Object value, String path, String fix) {
        if (value == null) {
            problem(path, "is missing", fix);
            return false;
        }
        return true;
    }

    boolean range(String path, Integer value, long low, long high, String what) {
        if (value == null) {
            return false;
        }
        if (value < low || value > high) {
            problem(path, what + " " + value + " is out of range (AWS allows " + low + " to " + high + ")",
                    "use a value from " + low + " to " + high);
            return false;
        }
        return true;
    }

    void port(String path, Integer port) {
        range(path, port, 1, 65535, "port");
    }

    boolean oneOf(String path, String value, List<String> allowed, String what) {
        if (value == null || allowed.contains(value)) {
            return true;
        }
        String choices = allowed.size() == 1 ? allowed.get(0) : "one of " + String.join(", ", allowed);
        problem(path, what + " '" + value + "' is not supported", Suggestions.closest(value, allowed)
                .map(s -> "did you mean '" + s + "'? (supported: " + String.join(", ", allowed) + ")")
                .orElse("use " + choices));
        return false;
    }

    /**
     * Records a problem. The file is the one that sets the value: the path's own file, or, when the path comes
     * from the base but a related value was set by the overlay, that related path (the overlay caused it).
     */
    void problem(String path, String message, String fix, String... related) {
        String where = path;
        if (isBase(path)) {
            for (String other : related) {
                if (!isBase(other)) {
                    where = other;
                    break;
                }
            }
        }
        problems.add(new TopologyException.Problem(sources.fileFor(where), where, message, fix));
    }

    boolean isBase(String path) {
        return sources.fileFor(path).equals(sources.baseFile());
    }

    String region() {
        return topology.region() == null ? "eu-west-1" : topology.region();
    }

    static String sanitize(String name) {
        String s = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        return s.isEmpty() ? "name" : s;
    }

    static String first(List<String> names) {
        return names.isEmpty() ? "<group>" : names.get(0);
    }

    static String join(Collection<Integer> values) {
        return values.stream().map(String::valueOf).collect(Collectors.joining(", "));
    }

    static String format(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
    }

    static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }

    static Map<Integer, List<Integer>> fargateSizes() {
        Map<Integer, List<Integer>> sizes = new LinkedHashMap<>();
        sizes.put(256, List.of(512, 1024, 2048));
        sizes.put(512, steps(1024, 4096, 1024));
        sizes.put(1024, steps(2048, 8192, 1024));
        sizes.put(2048, steps(4096, 16384, 1024));
        sizes.put(4096, steps(8192, 30720, 1024));
        sizes.put(8192, steps(16384, 61440, 4096));
        sizes.put(16384, steps(32768, 122880, 8192));
        return sizes;
    }

    static List<Integer> steps(int from, int to, int step) {
        List<Integer> values = new ArrayList<>();
        for (int v = from; v <= to; v += step) {
            values.add(v);
        }
        return List.copyOf(values);
    }
}
