package dev.preflight.topology;

import java.nio.file.Files;
import java.nio.file.Path;
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
 * Checks a bound topology before anything is created: required values, names, CIDRs, references,
 * duplicates and AWS's ranges (docs/aws-behaviour.md). Every problem names the file, the dotted path and
 * the fix; all problems are collected, none stops the others.
 */
final class TopologyValidator {

    private static final Pattern PROJECT = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");
    private static final Pattern NAME = Pattern.compile("[a-z0-9]+(-[a-z0-9]+)*");
    private static final Pattern REGION = Pattern.compile("[a-z]{2}(-gov)?-[a-z]+-\\d");
    private static final Pattern ENV_VAR = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern PG_IDENTIFIER = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,62}");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*)}");
    private static final Pattern IAM_ACTION = Pattern.compile("[a-z0-9-]+:[A-Za-z0-9*?]+");
    private static final Pattern GITHUB_REPOSITORY =
            Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]*(@\\d+)?/[A-Za-z0-9._-]+(@\\d+)?");
    private static final Pattern MATCHER_PART = Pattern.compile("(\\d{3})(?:-(\\d{3}))?");

    private static final List<Integer> RETENTION_DAYS = List.of(1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365,
            400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653);
    private static final List<String> ALGORITHMS = List.of("round_robin", "least_outstanding_requests", "weighted_random");
    private static final String CPU_METRIC = "ECSServiceAverageCPUUtilization";
    private static final String MEMORY_METRIC = "ECSServiceAverageMemoryUtilization";
    private static final String REQUEST_METRIC = "ALBRequestCountPerTarget";
    private static final List<String> METRICS = List.of(CPU_METRIC, MEMORY_METRIC, REQUEST_METRIC);
    private static final List<String> RDS_SECRET_KEYS = List.of("username", "password", "engine", "host", "port", "dbname");
    private static final String PLACEHOLDER_FORMS =
            "${elasticache.<id>.url}, ${s3.<id>.bucket}, ${rds.<id>.address} or ${rds.<id>.port}";
    private static final String RESOURCE_FORMS =
            "'*', 'ecr:<repository>', 'logs:<group>', 'secret:<name>', 's3:<bucket>', 's3:<bucket>/<key-pattern>' or 'role:<role>'";
    private static final int POSTGRES_PORT = 5432;
    private static final int REDIS_PORT = 6379;

    /** Fargate task sizes: cpu units to the memory sizes (MiB) allowed with them (Linux, platform 1.4.0). */
    private static final Map<Integer, List<Integer>> FARGATE_SIZES = fargateSizes();

    private final Topology topology;
    private final SourceMap sources;
    private final List<TopologyException.Problem> problems = new ArrayList<>();

    TopologyValidator(Topology topology, SourceMap sources) {
        this.topology = topology;
        this.sources = sources;
    }

    List<TopologyException.Problem> validate() {
        identity();
        network();
        ecr();
        logs();
        secrets();
        rds();
        elasticache();
        s3();
        iam();
        loadBalancer();
        ecs();
        return problems;
    }

    // ---------------------------------------------------------------- project, environment, region

    private void identity() {
        if (required(topology.project(), "project", "name the project, e.g. 'project: shop'")
                && !PROJECT.matcher(topology.project()).matches()) {
            problem("project", "'" + topology.project() + "' is not a valid project name (AWS names are built from it)",
                    "use lowercase letters, digits and single hyphens, starting with a letter, e.g. '"
                            + sanitize(topology.project()) + "'");
        }
        String environment = topology.environment();
        if (environment != null && !NAME.matcher(environment).matches()) {
            problems.add(new TopologyException.Problem(sources.overlayFile(), "",
                    "'" + environment + "' is not a valid environment name (AWS names are built from it)",
                    "rename the overlay to lowercase letters, digits and single hyphens, e.g. environments/"
                            + sanitize(environment) + ".yaml"));
        }
        if (required(topology.region(), "region", "name the AWS region, e.g. 'region: eu-west-1'")
                && !REGION.matcher(topology.region()).matches()) {
            problem("region", "'" + topology.region() + "' is not an AWS region code",
                    "write a region code such as eu-west-1 or us-east-1");
        }
    }

    // ---------------------------------------------------------------- network

    private void network() {
        Network network = topology.network();
        if (network == null) {
            problem("network", "is missing", "declare network.vpc.cidr, network.subnets and network.securityGroups");
            return;
        }
        Cidr vpc = null;
        if (network.vpc() == null) {
            problem("network.vpc", "is missing", "declare the VPC, e.g. 'vpc: { cidr: 10.0.0.0/16 }'");
        } else if (required(network.vpc().cidr(), "network.vpc.cidr", "give the VPC a CIDR block, e.g. 10.0.0.0/16")) {
            vpc = blockCidr("network.vpc.cidr", network.vpc().cidr(), "10.0.0.0/16");
        }
        if (network.subnets().isEmpty()) {
            problem("network.subnets", "no subnets are declared",
                    "declare subnets in at least two availability zones, e.g. 'private-a: { cidr: 10.0.1.0/24, availabilityZone: "
                            + region() + "a }'");
        }
        Map<String, Cidr> subnetCidrs = new LinkedHashMap<>();
        for (Map.Entry<String, Subnet> entry : present(network.subnets(), "network.subnets")) {
            String path = "network.subnets." + entry.getKey();
            name(path, entry.getKey(), "subnet");
            Subnet subnet = entry.getValue();
            if (required(subnet.cidr(), path + ".cidr", "give the subnet a CIDR block inside the VPC's, e.g. 10.0.1.0/24")) {
                Cidr cidr = blockCidr(path + ".cidr", subnet.cidr(), "10.0.1.0/24");
                if (cidr != null) {
                    subnetCidrs.put(entry.getKey(), cidr);
                    if (vpc != null && !vpc.contains(cidr)) {
                        problem(path + ".cidr", "subnet '" + entry.getKey() + "' (" + cidr
                                        + ") is not inside the VPC CIDR " + vpc,
                                "choose a block inside " + vpc + " or widen network.vpc.cidr", "network.vpc.cidr");
                    }
                }
            }
            if (required(subnet.availabilityZone(), path + ".availabilityZone",
                    "name the subnet's availability zone, e.g. " + region() + "a")
                    && topology.region() != null
                    && !subnet.availabilityZone().matches(Pattern.quote(topology.region()) + "[a-z]")) {
                problem(path + ".availabilityZone", "availability zone '" + subnet.availabilityZone()
                                + "' is not in region " + topology.region(),
                        "use a zone of " + topology.region() + ", e.g. " + topology.region() + "a or "
                                + topology.region() + "b", "region");
            }
        }
        List<String> names = new ArrayList<>(subnetCidrs.keySet());
        for (int i = 0; i < names.size(); i++) {
            for (int j = i + 1; j < names.size(); j++) {
                Cidr a = subnetCidrs.get(names.get(i));
                Cidr b = subnetCidrs.get(names.get(j));
                if (a.overlaps(b)) {
                    String path = "network.subnets." + names.get(j) + ".cidr";
                    problem(path, "subnets '" + names.get(i) + "' (" + a + ") and '" + names.get(j) + "' (" + b
                                    + ") overlap",
                            "give each subnet its own block inside the VPC CIDR",
                            "network.subnets." + names.get(i) + ".cidr");
                }
            }
        }
        for (Map.Entry<String, SecurityGroup> entry : present(network.securityGroups(), "network.securityGroups")) {
            securityGroup("network.securityGroups." + entry.getKey(), entry.getKey(), entry.getValue());
        }
    }

    private void securityGroup(String path, String name, SecurityGroup group) {
        name(path, name, "security group");
        for (int i = 0; i < group.ingress().size(); i++) {
            IngressRule rule = group.ingress().get(i);
            String rulePath = path + ".ingress[" + i + "]";
            if (rule == null) {
                problem(rulePath, "is empty", "write a rule such as '{ protocol: tcp, port: 8080, source: alb }'");
                continue;
            }
            if (!List.of("tcp", "udp").contains(rule.protocol())) {
                problem(rulePath + ".protocol", "protocol '" + rule.protocol() + "' is not supported",
                        "use tcp or udp");
            }
            if (required(rule.port(), rulePath + ".port", "name the port the rule opens, e.g. 'port: 8080'")) {
                port(rulePath + ".port", rule.port());
            }
            if ((rule.cidr() == null) == (rule.source() == null)) {
                problem(rulePath, rule.cidr() == null ? "the rule names neither cidr nor source"
                                : "the rule names both cidr and source",
                        "give exactly one of 'cidr' (e.g. 0.0.0.0/0) or 'source' (another security group)");
            }
            if (rule.cidr() != null) {
                cidr(rulePath + ".cidr", rule.cidr(), 0, 32, "0.0.0.0/0");
            }
            if (rule.source() != null) {
                reference(rulePath + ".source", rule.source(), "security group", securityGroups(),
                        "network.securityGroups");
            }
        }
    }

    /** A VPC or subnet block: valid, /16 to /28, no host bits. Returns it when usable for containment. */
    private Cidr blockCidr(String path, String text, String example) {
        return cidr(path, text, 16, 28, example);
    }

    private Cidr cidr(String path, String text, int minPrefix, int maxPrefix, String example) {
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

    // ---------------------------------------------------------------- ecr, logs

    private void ecr() {
        for (Map.Entry<String, EcrRepository> entry : present(topology.ecr().repositories(), "ecr.repositories")) {
            String path = "ecr.repositories." + entry.getKey();
            name(path, entry.getKey(), "repository");
            oneOf(path + ".imageTagMutability", entry.getValue().imageTagMutability(), List.of("MUTABLE", "IMMUTABLE"),
                    "imageTagMutability");
            if (entry.getValue().build() != null) {
                imageBuild(path + ".build", entry.getValue().build());
            }
        }
    }

    /**
     * The repository's image build: one form only; the Dockerfile form needs its context folder and its
     * Dockerfile, the process form a command and its working folder. Folders are relative to the topology
     * folder (the loader has made them absolute); the Dockerfile is read when the image is built, not here.
     */
    private void imageBuild(String path, ImageBuild build) {
        Path topologyDir = sources.baseFile().toAbsolutePath().getParent();
        if (build.process() != null) {
            if (build.dockerfile() != null || build.context() != null) {
                problem(path, "has both a Dockerfile form (" + (build.context() != null ? "context" : "dockerfile")
                                + ") and a process form",
                        "keep one: 'build: { dockerfile: Dockerfile, context: ../app }' or 'build: { process: { command: [...], "
                                + "workingDir: ... } }'");
                return;
            }
            ImageBuild.ProcessForm process = build.process();
            String processPath = path + ".process";
            if (process.command().isEmpty()) {
                problem(processPath + ".command", "is missing or empty",
                        "give the program and its arguments, e.g. 'command: [node, server.js]'");
            }
            for (int i = 0; i < process.command().size(); i++) {
                if (process.command().get(i).isBlank()) {
                    problem(processPath + ".command[" + i + "]", "is blank", "remove the empty argument");
                }
            }
            if (required(process.workingDir(), processPath + ".workingDir",
                    "name the folder the command runs in and whose files make the image, relative to " + topologyDir)) {
                folder(processPath + ".workingDir", process.workingDirPath(), "working folder", topologyDir);
            }
            for (int i = 0; i < process.files().size(); i++) {
                String pattern = process.files().get(i);
                if (pattern.isBlank() || pattern.startsWith("/") || List.of(pattern.split("/")).contains("..")) {
                    problem(processPath + ".files[" + i + "]", "'" + pattern + "' is not a pattern inside the working folder",
                            "write a glob relative to workingDir, e.g. 'server.js' or 'static/**'");
                }
            }
            return;
        }
        if (!required(build.context(), path + ".context",
                "name the build context folder, relative to " + topologyDir + ", e.g. 'context: ../app'")) {
            return;
        }
        if (folder(path + ".context", build.contextPath(), "build context folder", topologyDir)
                && !Files.isRegularFile(build.dockerfilePath())) {
            problem(build.dockerfile() != null ? path + ".dockerfile" : path,
                    "Dockerfile " + build.dockerfilePath() + " not found",
                    build.dockerfile() != null ? "name a file of the context (dockerfile is relative to the context) or add it"
                            : "add a Dockerfile to the context, or name yours with 'dockerfile:' (relative to the context)");
        }
    }

    private boolean folder(String path, Path folder, String what, Path topologyDir) {
        if (Files.isDirectory(folder)) {
            return true;
        }
        problem(path, what + " " + folder + (Files.exists(folder) ? " is not a folder" : " does not exist"),
                "name an existing folder, relative to the topology folder " + topologyDir);
        return false;
    }

    private void logs() {
        for (Map.Entry<String, LogGroup> entry : present(topology.logs().groups(), "logs.groups")) {
            String path = "logs.groups." + entry.getKey();
            name(path, entry.getKey(), "log group");
            Integer days = entry.getValue().retentionInDays();
            if (days != null && !RETENTION_DAYS.contains(days)) {
                problem(path + ".retentionInDays", "retentionInDays " + days + " is not a value CloudWatch Logs accepts",
                        "use one of " + join(RETENTION_DAYS) + nearest(days));
            }
        }
    }

    private static String nearest(int days) {
        int best = RETENTION_DAYS.get(0);
        for (int allowed : RETENTION_DAYS) {
            if (Math.abs(allowed - days) < Math.abs(best - days)) {
                best = allowed;
            }
        }
        return " (nearest: " + best + ")";
    }

    // ---------------------------------------------------------------- secrets, rds, elasticache, s3

    private void secrets() {
        for (Map.Entry<String, Secret> entry : present(topology.secrets(), "secrets")) {
            String path = "secrets." + entry.getKey();
            name(path, entry.getKey(), "secret");
            Secret secret = entry.getValue();
            if ((secret.database() == null) == (secret.generate() == null)) {
                problem(path, secret.database() == null ? "the secret has neither 'database' nor 'generate'"
                                : "the secret has both 'database' and 'generate'",
                        "give exactly one: 'database: <rds instance>' for database credentials or 'generate: { length: 32 }'");
            }
            if (secret.database() != null
                    && reference(path + ".database", secret.database(), "rds instance", topology.rds().keySet(), "rds")) {
                DbInstance db = topology.rds().get(secret.database());
                if (db != null && db.credentialsSecret() != null && !db.credentialsSecret().equals(entry.getKey())) {
                    problem(path + ".database", "names rds '" + secret.database() + "', whose credentialsSecret is '"
                                    + db.credentialsSecret() + "'",
                            "remove 'database' here or set rds." + secret.database() + ".credentialsSecret: " + entry.getKey(),
                            "rds." + secret.database() + ".credentialsSecret");
                }
            }
            if (secret.generate() != null) {
                range(path + ".generate.length", secret.generate().length(), 1, 4096, "length");
            }
        }
    }

    private void rds() {
        for (Map.Entry<String, DbInstance> entry : present(topology.rds(), "rds")) {
            String path = "rds." + entry.getKey();
            String id = entry.getKey();
            DbInstance db = entry.getValue();
            name(path, id, "rds instance");
            maxLength(path, topology.naming().of(id), 63, "DB instance identifier");
            oneOf(path + ".engine", db.engine(), List.of("postgres"), "engine");
            if (required(db.instanceClass(), path + ".instanceClass", "choose an instance class, e.g. db.t4g.micro")
                    && !db.instanceClass().startsWith("db.")) {
                problem(path + ".instanceClass", "'" + db.instanceClass() + "' is not an RDS instance class",
                        "use a class such as db.t4g.micro or db.r6g.large");
            }
            range(path + ".allocatedStorage", db.allocatedStorage(), 20, 65536, "allocatedStorage (GiB)");
            if (required(db.databaseName(), path + ".databaseName", "name the database, e.g. 'databaseName: app'")
                    && !PG_IDENTIFIER.matcher(db.databaseName()).matches()) {
                problem(path + ".databaseName", "'" + db.databaseName() + "' is not a valid PostgreSQL database name",
                        "use up to 63 letters, digits and underscores, starting with a letter");
            }
            if (required(db.masterUsername(), path + ".masterUsername", "name the master user, e.g. 'masterUsername: app_admin'")
                    && !PG_IDENTIFIER.matcher(db.masterUsername()).matches()) {
                problem(path + ".masterUsername", "'" + db.masterUsername() + "' is not a valid master user name",
                        "use up to 63 letters, digits and underscores, starting with a letter");
            }
            if (required(db.credentialsSecret(), path + ".credentialsSecret",
                    "name the secret holding the master credentials and declare it as 'secrets.<name>: { database: " + id + " }'")
                    && reference(path + ".credentialsSecret", db.credentialsSecret(), "secret", topology.secrets().keySet(),
                    "secrets")) {
                Secret secret = topology.secrets().get(db.credentialsSecret());
                if (secret != null && !id.equals(secret.database())) {
                    problem(path + ".credentialsSecret", "secret '" + db.credentialsSecret() + "' does not hold the credentials of "
                                    + id + (secret.database() == null ? " (it has no 'database')"
                                    : " (its 'database' is '" + secret.database() + "')"),
                            "set secrets." + db.credentialsSecret() + ".database: " + id,
                            "secrets." + db.credentialsSecret());
                }
            }
            subnetGroup(path, db.subnets(), 2, "a DB subnet group needs subnets in at least two availability zones");
            securityGroupList(path + ".securityGroups", db.securityGroups());
        }
    }

    private void elasticache() {
        for (Map.Entry<String, CacheCluster> entry : present(topology.elasticache(), "elasticache")) {
            String path = "elasticache." + entry.getKey();
            CacheCluster cache = entry.getValue();
            name(path, entry.getKey(), "cache cluster");
            maxLength(path, topology.naming().of(entry.getKey()), 50, "cache cluster id");
            oneOf(path + ".engine", cache.engine(), List.of("redis"), "engine");
            if (required(cache.nodeType(), path + ".nodeType", "choose a node type, e.g. cache.t4g.micro")
                    && !cache.nodeType().startsWith("cache.")) {
                problem(path + ".nodeType", "'" + cache.nodeType() + "' is not an ElastiCache node type",
                        "use a node type such as cache.t4g.micro or cache.r6g.large");
            }
            if (cache.numCacheNodes() != 1) {
                problem(path + ".numCacheNodes", "a redis cluster has exactly one node (numCacheNodes is "
                        + cache.numCacheNodes() + ")", "set numCacheNodes: 1");
            }
            subnetGroup(path, cache.subnets(), 1, "a cache subnet group needs at least one subnet");
            securityGroupList(path + ".securityGroups", cache.securityGroups());
        }
    }

    private void s3() {
        for (Map.Entry<String, Bucket> entry : present(topology.s3(), "s3")) {
            String path = "s3." + entry.getKey();
            name(path, entry.getKey(), "bucket");
            oneOf(path + ".encryption", entry.getValue().encryption(), List.of("AES256", "aws:kms"), "encryption");
            String bucket = topology.naming().bucket(entry.getKey());
            if (bucket.length() < 3 || bucket.length() > 63) {
                problem(path, "the bucket name '" + bucket + "' has " + bucket.length()
                                + " characters; S3 allows 3 to 63",
                        "shorten the bucket's key (the name is <project>-<environment>-<key>)");
            } else if (!bucket.matches("[a-z0-9][a-z0-9.-]*[a-z0-9]") || bucket.contains("..")
                    || bucket.startsWith("xn--") || bucket.endsWith("-s3alias")) {
                problem(path, "'" + bucket + "' is not a valid S3 bucket name",
                        "use lowercase letters, digits and hyphens in the bucket's key");
            }
        }
    }

    // ---------------------------------------------------------------- iam

    private void iam() {
        for (Map.Entry<String, Role> entry : present(topology.iam().roles(), "iam.roles")) {
            String path = "iam.roles." + entry.getKey();
            Role role = entry.getValue();
            name(path, entry.getKey(), "role");
            maxLength(path, topology.naming().of(entry.getKey()), 64, "IAM role name");
            trust(path + ".trust", role.trust());
            for (int i = 0; i < role.statements().size(); i++) {
                statement(path + ".statements[" + i + "]", role.statements().get(i));
            }
        }
    }

    private void trust(String path, Role.Trust trust) {
        if (trust == null) {
            problem(path, "is missing", "say who may assume the role: 'trust: { service: ecs-tasks.amazonaws.com }' "
                    + "or 'trust: { githubOidc: { repository: owner/name, branch: main } }'");
            return;
        }
        if ((trust.service() == null) == (trust.githubOidc() == null)) {
            problem(path, trust.service() == null ? "the trust names neither service nor githubOidc"
                            : "the trust names both service and githubOidc",
                    "give exactly one: 'service' (e.g. ecs-tasks.amazonaws.com) or 'githubOidc'");
        }
        if (trust.service() != null && !trust.service().matches("[a-z0-9.-]+\\.amazonaws\\.com")) {
            problem(path + ".service", "'" + trust.service() + "' is not an AWS service principal",
                    "use a principal such as ecs-tasks.amazonaws.com");
        }
        Role.GithubOidc oidc = trust.githubOidc();
        if (oidc == null) {
            return;
        }
        String oidcPath = path + ".githubOidc";
        if (required(oidc.repository(), oidcPath + ".repository", "name the one repository allowed, e.g. 'repository: my-org/shop'")) {
            if (oidc.repository().contains("*") || oidc.repository().contains("?")) {
                problem(oidcPath + ".repository", "wildcard repository '" + oidc.repository()
                                + "' lets any matching GitHub repository assume the role (OIDC sub 'repo:"
                                + oidc.repository() + ":...')",
                        "name exactly one repository, e.g. 'my-org/shop'");
            } else if (!GITHUB_REPOSITORY.matcher(oidc.repository()).matches()) {
                problem(oidcPath + ".repository", "'" + oidc.repository() + "' is not a GitHub repository of the form owner/name",
                        "write it as owner/name, e.g. 'my-org/shop'");
            }
        }
        if ((oidc.branch() == null) == (oidc.environment() == null)) {
            problem(oidcPath, oidc.branch() == null ? "names neither branch nor environment, so any ref could assume the role"
                            : "names both branch and environment",
                    "give exactly one: 'branch: main' or 'environment: production'");
        }
        for (String field : List.of("branch", "environment")) {
            String value = field.equals("branch") ? oidc.branch() : oidc.environment();
            if (value != null && (value.contains("*") || value.contains("?") || value.isBlank())) {
                problem(oidcPath + "." + field, "wildcard " + field + " '" + value
                                + "' lets any matching ref assume the role",
                        "name exactly one " + field + ", e.g. " + (field.equals("branch") ? "main" : "production"));
            }
        }
    }

    private void statement(String path, Role.PolicyStatement statement) {
        if (statement == null) {
            problem(path, "is empty", "write '{ actions: [...], resources: [...] }'");
            return;
        }
        oneOf(path + ".effect", statement.effect(), List.of("Allow", "Deny"), "effect");
        if (statement.actions().isEmpty()) {
            problem(path + ".actions", "the statement has no actions", "list the actions it allows, e.g. [s3:GetObject]");
        }
        if (statement.resources().isEmpty()) {
            problem(path + ".resources", "the statement has no resources", "list the resources, e.g. " + RESOURCE_FORMS);
        }
        for (int i = 0; i < statement.actions().size(); i++) {
            String action = statement.actions().get(i);
            if (action == null || !(action.equals("*") || IAM_ACTION.matcher(action).matches())) {
                problem(path + ".actions[" + i + "]", "'" + action + "' is not an IAM action",
                        "write service:Action, e.g. s3:GetObject");
            }
        }
        for (int i = 0; i < statement.resources().size(); i++) {
            policyResource(path + ".resources[" + i + "]", statement.resources().get(i));
        }
        if (statement.actions().stream().anyMatch("ecr:GetAuthorizationToken"::equalsIgnoreCase)
                && !statement.resources().contains("*")) {
            problem(path + ".resources", "ecr:GetAuthorizationToken cannot be limited to a repository",
                    "grant ecr:GetAuthorizationToken on \"*\" in a statement of its own");
        }
        s3ActionLevels(path, statement);
    }

    private void policyResource(String path, String resource) {
        if (resource == null || resource.equals("*")) {
            return;
        }
        int colon = resource.indexOf(':');
        String kind = colon < 0 ? "" : resource.substring(0, colon);
        String name = colon < 0 ? resource : resource.substring(colon + 1);
        switch (kind) {
            case "ecr" -> reference(path, name, "ecr repository", topology.ecr().repositories().keySet(), "ecr.repositories");
            case "logs" -> reference(path, name, "log group", topology.logs().groups().keySet(), "logs.groups");
            case "secret" -> reference(path, name, "secret", topology.secrets().keySet(), "secrets");
            case "role" -> reference(path, name, "role", topology.iam().roles().keySet(), "iam.roles");
            case "s3" -> {
                int slash = name.indexOf('/');
                String bucket = slash < 0 ? name : name.substring(0, slash);
                reference(path, bucket, "bucket", topology.s3().keySet(), "s3");
                if (slash >= 0 && slash == name.length() - 1) {
                    problem(path, "'" + resource + "' has an empty key pattern", "write s3:" + bucket + "/* for every object");
                }
            }
            default -> problem(path, "unsupported resource '" + resource + "'", "use " + RESOURCE_FORMS);
        }
    }

    /** Object actions need s3:bucket/key resources and bucket actions s3:bucket, or the grant matches nothing. */
    private void s3ActionLevels(String path, Role.PolicyStatement statement) {
        List<String> s3Actions = statement.actions().stream().filter(Objects::nonNull)
                .filter(a -> a.startsWith("s3:")).toList();
        if (s3Actions.isEmpty() || s3Actions.size() != statement.actions().size()
                || s3Actions.stream().anyMatch(a -> a.contains("*") || a.contains("?"))) {
            return;
        }
        boolean objectActions = s3Actions.stream().anyMatch(TopologyValidator::isObjectAction);
        boolean bucketActions = s3Actions.stream().anyMatch(a -> !isObjectAction(a));
        for (int i = 0; i < statement.resources().size(); i++) {
            String resource = statement.resources().get(i);
            if (resource == null || !resource.startsWith("s3:")) {
                continue;
            }
            boolean objectResource = resource.contains("/");
            if (!objectResource && !bucketActions) {
                problem(path + ".resources[" + i + "]", s3Actions + " act on objects but '" + resource
                                + "' names only the bucket, so the grant matches nothing",
                        "use '" + resource + "/*' (or a key pattern)");
            } else if (objectResource && !objectActions) {
                problem(path + ".resources[" + i + "]", s3Actions + " act on the bucket but '" + resource
                                + "' names objects, so the grant matches nothing",
                        "use '" + resource.substring(0, resource.indexOf('/')) + "'");
            }
        }
    }

    private static boolean isObjectAction(String action) {
        return action.contains("Object") || action.equals("s3:AbortMultipartUpload")
                || action.equals("s3:ListMultipartUploadParts");
    }

    // ---------------------------------------------------------------- load balancer

    private void loadBalancer() {
        LoadBalancer lb = topology.loadBalancer();
        if (lb == null) {
            return;
        }
        if (required(lb.name(), "loadBalancer.name", "name the load balancer, e.g. 'name: web'")) {
            name("loadBalancer.name", lb.name(), "load balancer");
            String elbName = topology.naming().elbName(lb.name());
            if (elbName.endsWith("-")) {
                problem("loadBalancer.name", "the load balancer name '" + elbName
                                + "' (cut to ELB's 32 characters) ends with a hyphen",
                        "shorten the name so <project>-<environment>-<name> fits in 32 characters");
            }
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
                        + "' (ELB names are cut to 32 characters)", "shorten one of the names");
            } else if (elbName.endsWith("-")) {
                problem(path, "the target group name '" + elbName + "' (cut to 32 characters) ends with a hyphen",
                        "shorten the name so <project>-<environment>-<name> fits in 32 characters");
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

    /** Target groups the listener forwards to (default action and rules). */
    private Set<String> routedTargetGroups() {
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

    // ---------------------------------------------------------------- ecs

    private void ecs() {
        Ecs ecs = topology.ecs();
        if (ecs == null) {
            return;
        }
        if (required(ecs.cluster(), "ecs.cluster", "name the cluster, e.g. 'cluster: main'")) {
            name("ecs.cluster", ecs.cluster(), "cluster");
        }
        Map<String, String> targetGroupUsers = new HashMap<>();
        for (Map.Entry<String, EcsService> entry : present(ecs.services(), "ecs.services")) {
            String path = "ecs.services." + entry.getKey();
            EcsService service = entry.getValue();
            name(path, entry.getKey(), "service");
            if (required(service.image(), path + ".image", "name the ECR repository of the image, e.g. 'image: "
                    + entry.getKey() + "'")) {
                reference(path + ".image", service.image(), "ecr repository", topology.ecr().repositories().keySet(),
                        "ecr.repositories");
            }
            fargateSize(path, service);
            if (service.desiredCount() < 0) {
                problem(path + ".desiredCount", "desiredCount " + service.desiredCount() + " is negative",
                        "use 0 or more");
            }
            if (service.subnets().isEmpty()) {
                problem(path + ".subnets", "the service names no subnets", "list the subnets its tasks run in, e.g. "
                        + "[private-a, private-b]");
            }
            subnetReferences(path + ".subnets", service.subnets());
            securityGroupList(path + ".securityGroups", service.securityGroups());
            taskRoles(path, service);
            serviceTargetGroup(path, entry.getKey(), service, targetGroupUsers);
            if (service.healthCheckGracePeriodSeconds() < 0) {
                problem(path + ".healthCheckGracePeriodSeconds", "healthCheckGracePeriodSeconds is negative",
                        "use 0 to 2147483647");
            }
            if (service.container() == null) {
                problem(path + ".container", "is missing", "declare the container, at least 'container: { port: 8080 }'");
            } else {
                container(path + ".container", service.container());
            }
            deployment(path, service);
            autoscaling(path, service);
            executionRoleGrants(path, service);
            reachability(path, entry.getKey(), service);
        }
    }

    private void fargateSize(String path, EcsService service) {
        boolean cpu = required(service.cpu(), path + ".cpu", "give the task's CPU units, e.g. 'cpu: 256'");
        boolean memory = required(service.memory(), path + ".memory", "give the task's memory in MiB, e.g. 'memory: 512'");
        if (!cpu) {
            return;
        }
        List<Integer> allowed = FARGATE_SIZES.get(service.cpu());
        if (allowed == null) {
            problem(path + ".cpu", "cpu " + service.cpu() + " is not a Fargate task size",
                    "use one of " + join(FARGATE_SIZES.keySet()));
            return;
        }
        if (memory && !allowed.contains(service.memory())) {
            List<Integer> cpus = FARGATE_SIZES.entrySet().stream().filter(e -> e.getValue().contains(service.memory()))
                    .map(Map.Entry::getKey).toList();
            problem(path + ".memory", "cpu " + service.cpu() + " with memory " + service.memory()
                            + " is not a valid Fargate cpu/memory combination",
                    "with cpu " + service.cpu() + " use memory " + describeSizes(allowed)
                            + (cpus.isEmpty() ? "" : "; memory " + service.memory() + " needs cpu " + join(cpus)),
                    path + ".cpu");
        }
    }

    private static String describeSizes(List<Integer> sizes) {
        if (sizes.size() <= 4) {
            return join(sizes);
        }
        return sizes.get(0) + " to " + sizes.get(sizes.size() - 1) + " in steps of " + (sizes.get(1) - sizes.get(0));
    }

    private void taskRoles(String path, EcsService service) {
        if (required(service.executionRole(), path + ".executionRole",
                "name the role ECS uses to pull the image, write logs and read secrets, e.g. 'executionRole: task-execution'")) {
            taskRole(path + ".executionRole", service.executionRole());
        }
        if (service.taskRole() != null) {
            taskRole(path + ".taskRole", service.taskRole());
        }
    }

    private void taskRole(String path, String roleName) {
        if (reference(path, roleName, "role", topology.iam().roles().keySet(), "iam.roles")) {
            Role role = topology.iam().roles().get(roleName);
            if (role != null && role.trust() != null && !"ecs-tasks.amazonaws.com".equals(role.trust().service())) {
                problem(path, "role '" + roleName + "' cannot be assumed by ECS tasks (its trust is not ecs-tasks.amazonaws.com)",
                        "use a role with 'trust: { service: ecs-tasks.amazonaws.com }'", "iam.roles." + roleName + ".trust");
            }
        }
    }

    private void serviceTargetGroup(String path, String name, EcsService service, Map<String, String> users) {
        if (service.targetGroup() == null) {
            return;
        }
        LoadBalancer lb = topology.loadBalancer();
        if (lb == null) {
            problem(path + ".targetGroup", "names target group '" + service.targetGroup() + "' but no loadBalancer is declared",
                    "declare loadBalancer with this target group or remove 'targetGroup'");
            return;
        }
        if (!reference(path + ".targetGroup", service.targetGroup(), "target group", lb.targetGroups().keySet(),
                "loadBalancer.targetGroups")) {
            return;
        }
        String other = users.putIfAbsent(service.targetGroup(), name);
        if (other != null) {
            problem(path + ".targetGroup", "services '" + other + "' and '" + name + "' both register in target group '"
                            + service.targetGroup() + "'; requests would reach either at random",
                    "give each service its own target group", "ecs.services." + other + ".targetGroup");
        }
        if (!routedTargetGroups().contains(service.targetGroup())) {
            problem(path + ".targetGroup", "target group '" + service.targetGroup()
                            + "' is not used by the listener, so ECS cannot attach the service (the target group does not "
                            + "have an associated load balancer)",
                    "route to it from loadBalancer.listener (defaultTargetGroup or a rule)");
        }
    }

    private void container(String path, Container container) {
        if (required(container.port(), path + ".port", "give the port the application listens on, e.g. 'port: 8080'")) {
            port(path + ".port", container.port());
        }
        range(path + ".stopTimeout", container.stopTimeout(), 2, 120, "stopTimeout (Fargate)");
        if (container.logGroup() != null) {
            reference(path + ".logGroup", container.logGroup(), "log group", topology.logs().groups().keySet(), "logs.groups");
        }
        Container.ContainerHealthCheck check = container.healthCheck();
        if (check != null) {
            String checkPath = path + ".healthCheck";
            if (check.command() == null || check.command().isBlank()) {
                problem(checkPath + ".command", "is missing", "give the command, e.g. 'curl -f http://localhost:8080/health'");
            }
            range(checkPath + ".intervalSeconds", check.intervalSeconds(), 5, 300, "intervalSeconds");
            range(checkPath + ".timeoutSeconds", check.timeoutSeconds(), 2, 60, "timeoutSeconds");
            range(checkPath + ".retries", check.retries(), 1, 10, "retries");
            range(checkPath + ".startPeriodSeconds", check.startPeriodSeconds(), 0, 300, "startPeriodSeconds");
        }
        container.environment().forEach((variable, value) -> {
            String varPath = path + ".environment." + variable;
            envName(varPath, variable);
            if (value != null) {
                placeholders(varPath, value);
            }
        });
        container.secrets().forEach((variable, value) -> {
            String varPath = path + ".secrets." + variable;
            envName(varPath, variable);
            secretReference(varPath, value);
            if (container.environment().containsKey(variable)) {
                problem(varPath, "variable " + variable + " is defined both in environment and in secrets",
                        "remove it from one of them", path + ".environment." + variable);
            }
        });
    }

    private void envName(String path, String variable) {
        if (!ENV_VAR.matcher(variable).matches()) {
            problem(path, "'" + variable + "' is not a valid environment variable name",
                    "use letters, digits and underscores, not starting with a digit");
        }
    }

    private void placeholders(String path, String value) {
        Matcher m = PLACEHOLDER.matcher(value);
        while (m.find()) {
            String[] parts = m.group(1).split("\\.", -1);
            String kind = parts.length == 3 ? parts[0] : "";
            String attribute = parts.length == 3 ? parts[2] : "";
            Collection<String> ids;
            String section;
            if (kind.equals("elasticache") && attribute.equals("url")) {
                ids = topology.elasticache().keySet();
                section = "elasticache";
            } else if (kind.equals("s3") && attribute.equals("bucket")) {
                ids = topology.s3().keySet();
                section = "s3";
            } else if (kind.equals("rds") && (attribute.equals("address") || attribute.equals("port"))) {
                ids = topology.rds().keySet();
                section = "rds";
            } else {
                problem(path, "unsupported placeholder '" + m.group() + "'", "use " + PLACEHOLDER_FORMS);
                continue;
            }
            reference(path, parts[1], section.equals("rds") ? "rds instance"
                    : section.equals("s3") ? "bucket" : "cache cluster", ids, section);
        }
        if (PLACEHOLDER.matcher(value).replaceAll("").contains("${")) {
            problem(path, "unterminated placeholder in '" + value + "'", "close it with '}'; supported: " + PLACEHOLDER_FORMS);
        }
    }

    /** ECS valueFrom: {@code <secret>[:json-key:version-stage:version-id]}. */
    private void secretReference(String path, String value) {
        String form = "write <secret> or <secret>:<json-key>:<version-stage>:<version-id> (empty fields keep their colons, "
                + "e.g. db-credentials:password::)";
        if (value == null || value.isBlank()) {
            problem(path, "names no secret", form);
            return;
        }
        String[] parts = value.split(":", -1);
        if (parts.length != 1 && parts.length != 4) {
            problem(path, "'" + value + "' has " + (parts.length - 1) + " suffix fields; valueFrom takes none or exactly 3",
                    form);
            return;
        }
        if (!reference(path, parts[0], "secret", topology.secrets().keySet(), "secrets") || parts.length == 1) {
            return;
        }
        if (!parts[2].isEmpty() && !parts[3].isEmpty()) {
            problem(path, "'" + value + "' names both a version stage and a version id", "give only one of them");
        }
        Secret secret = topology.secrets().get(parts[0]);
        String jsonKey = parts[1];
        if (secret != null && !jsonKey.isEmpty()) {
            if (secret.database() == null) {
                problem(path, "secret '" + parts[0] + "' is a generated string, not JSON, so json-key '" + jsonKey
                        + "' cannot be read", "drop the json-key: use '" + parts[0] + "'");
            } else if (!RDS_SECRET_KEYS.contains(jsonKey)) {
                problem(path, "json-key '" + jsonKey + "' is not a key of the RDS credentials secret '" + parts[0] + "'",
                        "use one of " + RDS_SECRET_KEYS);
            }
        }
    }

    private void deployment(String path, EcsService service) {
        DeploymentConfiguration deployment = service.deployment();
        String minPath = path + ".deployment.minimumHealthyPercent";
        String maxPath = path + ".deployment.maximumPercent";
        boolean min = range(minPath, deployment.minimumHealthyPercent(), 0, 100, "minimumHealthyPercent");
        boolean max = range(maxPath, deployment.maximumPercent(), 100, 200, "maximumPercent");
        if (!min || !max) {
            return;
        }
        int minPercent = deployment.minimumHealthyPercent();
        int maxPercent = deployment.maximumPercent();
        List<Integer> counts = new ArrayList<>();
        counts.add(service.desiredCount());
        Autoscaling scaling = service.autoscaling();
        if (scaling != null && scaling.min() != null && scaling.max() != null) {
            for (int n = Math.max(1, scaling.min()); n <= Math.min(scaling.max(), 10_000); n++) {
                counts.add(n);
            }
        }
        counts.stream().filter(n -> n > 0).sorted()
                .filter(n -> ceilDiv(n * minPercent, 100) >= n && (n * maxPercent) / 100 <= n)
                .findFirst()
                .ifPresent(n -> problem(maxPath,
                        "unable to stop or start tasks during a deployment because of the service deployment configuration"
                                + " (with " + n + " task" + (n == 1 ? "" : "s") + ", minimumHealthyPercent " + minPercent
                                + " keeps every task running and maximumPercent " + maxPercent + " allows no extra task)",
                        "raise maximumPercent to at least " + Math.min(200, ceilDiv(100 * (n + 1), n))
                                + " or lower minimumHealthyPercent to " + (100 * (n - 1)) / n + " or less",
                        minPath, path + ".desiredCount"));
    }

    private void autoscaling(String path, EcsService service) {
        Autoscaling scaling = service.autoscaling();
        if (scaling == null) {
            return;
        }
        String scalingPath = path + ".autoscaling";
        boolean min = required(scaling.min(), scalingPath + ".min", "give the minimum task count, e.g. 'min: 1'");
        boolean max = required(scaling.max(), scalingPath + ".max", "give the maximum task count, e.g. 'max: 4'");
        if (min && scaling.min() < 0) {
            problem(scalingPath + ".min", "min (" + scaling.min() + ") is negative", "use 0 or more");
            min = false;
        }
        if (min && max) {
            if (scaling.min() > scaling.max()) {
                problem(scalingPath + ".min", "min (" + scaling.min() + ") is greater than max (" + scaling.max() + ")",
                        "lower min or raise max so that min <= max", scalingPath + ".max");
            } else if (service.desiredCount() < scaling.min() || service.desiredCount() > scaling.max()) {
                problem(path + ".desiredCount", "desiredCount (" + service.desiredCount() + ") is outside the autoscaling range "
                                + scaling.min() + ".." + scaling.max(),
                        "set desiredCount between " + scaling.min() + " and " + scaling.max() + " or widen the range",
                        scalingPath + ".min", scalingPath + ".max");
            }
        }
        if (scaling.policies().isEmpty()) {
            problem(scalingPath + ".policies", "autoscaling has no policy", "add a target-tracking policy, e.g. "
                    + "'{ metric: " + CPU_METRIC + ", targetValue: 60 }'");
        }
        for (int i = 0; i < scaling.policies().size(); i++) {
            policy(scalingPath + ".policies[" + i + "]", scaling.policies().get(i), service);
        }
    }

    private void policy(String path, Autoscaling.ScalingPolicy policy, EcsService service) {
        if (policy == null) {
            problem(path, "is empty", "write '{ metric: " + CPU_METRIC + ", targetValue: 60 }'");
            return;
        }
        if (required(policy.metric(), path + ".metric", "use one of " + METRICS)
                && oneOf(path + ".metric", policy.metric(), METRICS, "metric")
                && policy.metric().equals(REQUEST_METRIC) && service.targetGroup() == null) {
            problem(path + ".metric", REQUEST_METRIC + " needs the service to have a targetGroup",
                    "give the service a targetGroup or use " + CPU_METRIC);
        }
        if (required(policy.targetValue(), path + ".targetValue", "give the target value, e.g. 'targetValue: 60'")) {
            boolean percent = CPU_METRIC.equals(policy.metric()) || MEMORY_METRIC.equals(policy.metric());
            if (policy.targetValue() <= 0 || (percent && policy.targetValue() > 100)) {
                problem(path + ".targetValue", "targetValue " + format(policy.targetValue()) + " is out of range"
                                + (percent ? " for a percentage (0 < value <= 100)" : " (must be greater than 0)"),
                        percent ? "use a percentage above 0 and at most 100, e.g. 60" : "use a value greater than 0");
            }
        }
        if (policy.scaleOutCooldownSeconds() < 0) {
            problem(path + ".scaleOutCooldownSeconds", "scaleOutCooldownSeconds is negative", "use 0 or more (default 300)");
        }
        if (policy.scaleInCooldownSeconds() < 0) {
            problem(path + ".scaleInCooldownSeconds", "scaleInCooldownSeconds is negative", "use 0 or more (default 300)");
        }
    }

    /** The execution role must let ECS pull the image, write the logs and read the secrets the task needs. */
    private void executionRoleGrants(String path, EcsService service) {
        Role role = service.executionRole() == null ? null : topology.iam().roles().get(service.executionRole());
        if (role == null) {
            return;
        }
        String rolePath = "iam.roles." + service.executionRole() + ".statements";
        if (service.image() != null && topology.ecr().repositories().containsKey(service.image())) {
            needs(path + ".executionRole", service.executionRole(), role, "ecr:GetAuthorizationToken", "*", rolePath);
            for (String action : List.of("ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer")) {
                needs(path + ".executionRole", service.executionRole(), role, action, "ecr:" + service.image(), rolePath);
            }
        }
        Container container = service.container();
        if (container == null) {
            return;
        }
        if (container.logGroup() != null && topology.logs().groups().containsKey(container.logGroup())) {
            for (String action : List.of("logs:CreateLogStream", "logs:PutLogEvents")) {
                needs(path + ".executionRole", service.executionRole(), role, action, "logs:" + container.logGroup(), rolePath);
            }
        }
        new TreeSet<>(container.secrets().values()).stream().filter(Objects::nonNull)
                .map(v -> v.split(":", -1)[0]).distinct()
                .filter(topology.secrets()::containsKey)
                .forEach(secret -> needs(path + ".executionRole", service.executionRole(), role,
                        "secretsmanager:GetSecretValue", "secret:" + secret, rolePath));
    }

    private void needs(String path, String roleName, Role role, String action, String resource, String rolePath) {
        if (!grants(role, action, resource)) {
            problem(path, "role '" + roleName + "' does not allow " + action + " on " + resource
                            + ", so the task cannot start",
                    "add '{ actions: [" + action + "], resources: [\"" + resource + "\"] }' to iam.roles." + roleName
                            + ".statements", rolePath);
        }
    }

    private static boolean grants(Role role, String action, String resource) {
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

    private static boolean glob(String pattern, String text) {
        StringBuilder regex = new StringBuilder();
        for (char c : pattern.toCharArray()) {
            regex.append(c == '*' ? ".*" : c == '?' ? "." : Pattern.quote(String.valueOf(c)));
        }
        return text.matches(regex.toString());
    }

    /** The load balancer must reach the service's port; the service must reach the databases and caches it uses. */
    private void reachability(String path, String name, EcsService service) {
        Container container = service.container();
        LoadBalancer lb = topology.loadBalancer();
        if (service.targetGroup() != null && lb != null && container != null && container.port() != null
                && lb.targetGroups().containsKey(service.targetGroup())
                && !reaches(lb.securityGroups(), lb.subnets(), service.securityGroups(), container.port())) {
            problem(path + ".securityGroups", "the load balancer cannot reach service '" + name + "': no security group in "
                            + service.securityGroups() + " allows tcp " + container.port() + " from " + lb.securityGroups()
                            + ", so health checks would fail",
                    "add '{ protocol: tcp, port: " + container.port() + ", source: " + first(lb.securityGroups())
                            + " }' to the ingress of security group '" + first(service.securityGroups()) + "'");
        }
        if (container == null) {
            return;
        }
        for (String db : databasesUsed(container)) {
            DbInstance instance = topology.rds().get(db);
            if (instance != null && !reaches(service.securityGroups(), service.subnets(), instance.securityGroups(), POSTGRES_PORT)) {
                problem("rds." + db + ".securityGroups", "service '" + name + "' uses rds '" + db + "' but no security group in "
                                + instance.securityGroups() + " allows tcp " + POSTGRES_PORT + " from " + service.securityGroups(),
                        "add '{ protocol: tcp, port: " + POSTGRES_PORT + ", source: " + first(service.securityGroups())
                                + " }' to the ingress of security group '" + first(instance.securityGroups()) + "'");
            }
        }
        for (String cacheId : placeholderIds(container, "elasticache")) {
            CacheCluster cache = topology.elasticache().get(cacheId);
            if (cache != null && !reaches(service.securityGroups(), service.subnets(), cache.securityGroups(), REDIS_PORT)) {
                problem("elasticache." + cacheId + ".securityGroups", "service '" + name + "' uses elasticache '" + cacheId
                                + "' but no security group in " + cache.securityGroups() + " allows tcp " + REDIS_PORT
                                + " from " + service.securityGroups(),
                        "add '{ protocol: tcp, port: " + REDIS_PORT + ", source: " + first(service.securityGroups())
                                + " }' to the ingress of security group '" + first(cache.securityGroups()) + "'");
            }
        }
    }

    private Set<String> databasesUsed(Container container) {
        Set<String> dbs = new TreeSet<>(placeholderIds(container, "rds"));
        container.secrets().values().stream().filter(Objects::nonNull)
                .map(v -> topology.secrets().get(v.split(":", -1)[0]))
                .filter(s -> s != null && s.database() != null)
                .forEach(s -> dbs.add(s.database()));
        return dbs;
    }

    private static Set<String> placeholderIds(Container container, String kind) {
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
    private boolean reaches(List<String> fromGroups, List<String> fromSubnets, List<String> to, int port) {
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

    // ---------------------------------------------------------------- shared references

    private Set<String> securityGroups() {
        return topology.network() == null ? Set.of() : topology.network().securityGroups().keySet();
    }

    private Map<String, Subnet> subnets() {
        return topology.network() == null ? Map.of() : topology.network().subnets();
    }

    private void subnetReferences(String path, List<String> names) {
        for (int i = 0; i < names.size(); i++) {
            reference(path + "[" + i + "]", names.get(i), "subnet", subnets().keySet(), "network.subnets");
        }
        listedOnce(path, names);
    }

    private void listedOnce(String path, List<String> names) {
        for (int i = 0; i < names.size(); i++) {
            int first = names.indexOf(names.get(i));
            if (first < i) {
                problem(path + "[" + i + "]", "'" + names.get(i) + "' is listed twice (also at [" + first + "])",
                        "list each name once");
            }
        }
    }

    /** Subnets of a resource: at least one, all known, spanning {@code zones} availability zones. */
    private void subnetGroup(String owner, List<String> names, int zones, String why) {
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
    private void sameZoneSubnets(String path, List<String> names) {
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

    private void securityGroupList(String path, List<String> names) {
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
    private boolean reference(String path, String value, String kind, Collection<String> known, String section) {
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

    // ---------------------------------------------------------------- small checks

    /** Non-null entries of a map; a null entry (a key with no value) is reported. */
    private <V> List<Map.Entry<String, V>> present(Map<String, V> map, String path) {
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

    private void name(String path, String name, String kind) {
        if (!NAME.matcher(name).matches()) {
            problem(path, "'" + name + "' is not a valid " + kind + " name (AWS names are built from it)",
                    "use lowercase letters, digits and single hyphens, e.g. '" + sanitize(name) + "'");
        }
    }

    private void maxLength(String path, String awsName, int max, String what) {
        if (awsName.length() > max) {
            problem(path, "the " + what + " '" + awsName + "' has " + awsName.length() + " characters; AWS allows " + max,
                    "shorten the name (AWS's name is <project>-<environment>-<name>)");
        }
    }

    private boolean required(Object value, String path, String fix) {
        if (value == null) {
            problem(path, "is missing", fix);
            return false;
        }
        return true;
    }

    private boolean range(String path, Integer value, long low, long high, String what) {
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

    private void port(String path, Integer port) {
        range(path, port, 1, 65535, "port");
    }

    private boolean oneOf(String path, String value, List<String> allowed, String what) {
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
    private void problem(String path, String message, String fix, String... related) {
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

    private boolean isBase(String path) {
        return sources.fileFor(path).equals(sources.baseFile());
    }

    private String region() {
        return topology.region() == null ? "eu-west-1" : topology.region();
    }

    private static String sanitize(String name) {
        String s = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        return s.isEmpty() ? "name" : s;
    }

    private static String first(List<String> names) {
        return names.isEmpty() ? "<group>" : names.get(0);
    }

    private static String join(Collection<Integer> values) {
        return values.stream().map(String::valueOf).collect(Collectors.joining(", "));
    }

    private static String format(double value) {
        return value == Math.rint(value) ? String.valueOf((long) value) : String.valueOf(value);
    }

    private static int ceilDiv(int a, int b) {
        return -Math.floorDiv(-a, b);
    }

    private static Map<Integer, List<Integer>> fargateSizes() {
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

    private static List<Integer> steps(int from, int to, int step) {
        List<Integer> values = new ArrayList<>();
        for (int v = from; v <= to; v += step) {
            values.add(v);
        }
        return List.copyOf(values);
    }
}
