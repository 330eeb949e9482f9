package dev.preflight.topology;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import java.util.regex.Matcher;

/** The validation rules of ECS services: Fargate sizes, roles, target groups, containers (environment, placeholders, secrets), deployment configuration, what the execution role must grant, what the tasks must reach. */
final class EcsRules extends ValidationRules {
    EcsRules(ValidationRules context) {
        super(context);
    }

    void ecs() {
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
            checkSettings(path, service.check());
            new AutoscalingRules(this).autoscaling(path, service);
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
        // Whether the configuration can make progress at every count is the gate's static rule
        // (dev.preflight.check.DeploymentProgress): ECS accepts such a service and its deployments then stall.
    }

    /** The service's {@code check} settings: known check names, a load that can be sent. */
    private void checkSettings(String path, CheckSettings check) {
        for (String name : check.skip()) {
            if (!CheckSettings.CHECKS.contains(name)) {
                problem(path + ".check.skip", "unknown check '" + name + "'", "use one of " + CheckSettings.CHECKS);
            }
        }
        CheckSettings.Load load = check.load();
        if (load.rps() != null && (load.rps() <= 0 || load.rps() > 500)) {
            problem(path + ".check.load.rps", "rps " + load.rps() + " is out of range", "use more than 0 and at most 500 requests per second");
        }
        if (load.path() != null && !load.path().startsWith("/")) {
            problem(path + ".check.load.path", "path '" + load.path() + "' does not start with /", "give the request path, e.g. /api/version");
        }
        if (load.durationSeconds() != null && (load.durationSeconds() < 5 || load.durationSeconds() > 600)) {
            problem(path + ".check.load.durationSeconds", "durationSeconds " + load.durationSeconds() + " is out of range",
                    "use 5 to 600 seconds");
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
}
