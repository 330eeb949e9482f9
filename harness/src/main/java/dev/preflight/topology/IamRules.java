package dev.preflight.topology;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The validation rules of IAM roles: trust (services, GitHub OIDC), statements, actions and resources. */
final class IamRules extends ValidationRules {
    IamRules(ValidationRules context) {
        super(context);
    }

    void iam() {
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
            case "ecs" -> reference(path, name, "ECS service", topology.ecs().services().keySet(), "ecs.services");
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
        boolean objectActions = s3Actions.stream().anyMatch(IamRules::isObjectAction);
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
}
