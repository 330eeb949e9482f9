package dev.preflight.check;

import dev.preflight.iam.IamWildcard;
import dev.preflight.topology.EcsService;
import dev.preflight.topology.Role;
import dev.preflight.topology.Topology;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Least privilege, judged on the topology's IAM roles: a finding per role and statement for what a
 * careful operator would not grant, with the rule, the fix and the id of the widely used checker that
 * has the same rule (checkov, cfn_nag). One verdict per rule that passes when no role breaks it.
 */
final class LeastPrivilegeRules {
    static final String WILDCARD_ACTION = "iam-wildcard-action";
    static final String SERVICE_WILDCARD_ACTION = "iam-service-wildcard-action";
    static final String WILDCARD_RESOURCE = "iam-wildcard-resource";
    static final String PASSROLE_WILDCARD = "iam-passrole-wildcard";
    static final String UNUSED_GRANT = "iam-unused-grant";
    static final List<String> RULES = List.of(WILDCARD_ACTION, SERVICE_WILDCARD_ACTION, WILDCARD_RESOURCE, PASSROLE_WILDCARD, UNUSED_GRANT);

    /**
     * Actions that take no resource-level permission (the Service Authorization Reference lists no
     * resource type for them): {@code *} is their only resource, and no finding.
     */
    private static final List<String> UNRESTRICTABLE = List.of(
            "ecr:GetAuthorizationToken", "ecs:RegisterTaskDefinition", "ecs:DeregisterTaskDefinition", "ecs:DescribeTaskDefinition",
            "ecs:List*", "ecs:CreateCluster", "logs:Describe*", "s3:ListAllMyBuckets", "sts:GetCallerIdentity", "cloudwatch:PutMetricData",
            "cloudwatch:GetMetricData", "cloudwatch:ListMetrics", "cloudwatch:Describe*", "secretsmanager:GetRandomPassword",
            "secretsmanager:ListSecrets", "iam:List*", "ec2:Describe*", "elasticloadbalancing:Describe*", "application-autoscaling:Describe*",
            "xray:PutTraceSegments", "xray:PutTelemetryRecords", "ssmmessages:*");
    private static final Set<String> S3_WRITES = Set.of("s3:PutObject", "s3:DeleteObject", "s3:PutObjectAcl", "s3:AbortMultipartUpload");

    private LeastPrivilegeRules() {
    }

    static List<Verdict> of(Topology topology) {
        Map<String, List<String>> findings = new java.util.LinkedHashMap<>();
        Map<String, String> fixes = new java.util.LinkedHashMap<>();
        RULES.forEach(r -> findings.put(r, new ArrayList<>()));
        topology.iam().roles().forEach((name, role) -> {
            for (int i = 0; i < role.statements().size(); i++) {
                Role.PolicyStatement s = role.statements().get(i);
                if (!s.effect().equals("Allow")) {
                    continue;
                }
                String where = "role " + name + ", statement " + i + " (" + s.actions() + " on " + s.resources() + ")";
                boolean anyResource = s.resources().contains("*");
                if (s.actions().contains("*")) {
                    findings.get(WILDCARD_ACTION).add(where + (anyResource ? ": full administrator (checkov CKV_AWS_62)" : ""));
                }
                s.actions().stream().filter(a -> a.endsWith(":*")).forEach(a -> findings.get(SERVICE_WILDCARD_ACTION).add(where + ": " + a));
                if (anyResource) {
                    List<String> restrictable = s.actions().stream().filter(a -> !a.equals("*") && !unrestrictable(a)).toList();
                    if (!restrictable.isEmpty()) {
                        findings.get(WILDCARD_RESOURCE).add(where + ": " + restrictable + " can be limited to resources");
                    }
                    if (s.actions().stream().anyMatch(a -> a.equals("*") || a.equals("iam:*") || a.equalsIgnoreCase("iam:PassRole"))) {
                        findings.get(PASSROLE_WILDCARD).add(where);
                    }
                }
            }
            unusedGrants(topology, name, role, findings.get(UNUSED_GRANT));
        });
        fixes.put(WILDCARD_ACTION, "list the actions the role's users call instead of '*' (checkov CKV_AWS_63, cfn_nag F3): a '*'"
                + " grant includes every action AWS adds later");
        fixes.put(SERVICE_WILDCARD_ACTION, "list the actions of the service the role needs instead of 'service:*': e.g. s3:GetObject and"
                + " s3:PutObject, not s3:* (which also deletes buckets and rewrites their policies)");
        fixes.put(WILDCARD_RESOURCE, "name the resources ('ecr:<repository>', 's3:<bucket>/*', 'secret:<name>', 'ecs:<service>', ...) for"
                + " actions that take resource-level permissions (checkov CKV_AWS_355/CKV_AWS_356, cfn_nag W11); keep '*' only for"
                + " those that take none, such as ecr:GetAuthorizationToken or ecs:RegisterTaskDefinition");
        fixes.put(PASSROLE_WILDCARD, "grant iam:PassRole only on the roles the caller passes ('role:<name>'; cfn_nag F38): with '*' it can"
                + " hand any role, an administrator's too, to a task it starts");
        fixes.put(UNUSED_GRANT, "remove what no service using the role needs: a task role's grants are what a compromised task can do");
        List<Verdict> verdicts = new ArrayList<>();
        findings.forEach((rule, list) -> verdicts.add(list.isEmpty()
                ? Verdict.passed(rule, Verdict.ENVIRONMENT, "no role breaks it (" + topology.iam().roles().size() + " roles)")
                : Verdict.failed(rule, Verdict.ENVIRONMENT, String.join("; ", list), fixes.get(rule))));
        return verdicts;
    }

    /**
     * A task role's S3 grants on a bucket that none of its services is told about (no {@code ${s3.<bucket>.bucket}}
     * in their environment): the containers cannot find the bucket, so the grant serves nothing.
     */
    private static void unusedGrants(Topology topology, String roleName, Role role, List<String> out) {
        List<EcsService> users = topology.ecs().services().values().stream().filter(s -> roleName.equals(s.taskRole())).toList();
        if (users.isEmpty()) {
            return;
        }
        for (int i = 0; i < role.statements().size(); i++) {
            Role.PolicyStatement s = role.statements().get(i);
            boolean writes = s.actions().stream().anyMatch(a -> S3_WRITES.contains(a) || a.equals("s3:*") || a.equals("*"));
            for (String resource : s.resources()) {
                if (!resource.startsWith("s3:")) {
                    continue;
                }
                String bucket = resource.substring(3).split("/", 2)[0];
                String reference = "${s3." + bucket + ".bucket}";
                boolean used = users.stream().anyMatch(u -> u.container().environment().values().stream().anyMatch(v -> v.contains(reference)));
                if (!used) {
                    out.add("role " + roleName + ", statement " + i + ": " + (writes ? "writes" : "reads") + " bucket " + bucket
                            + ", which no service using the role is given (no " + reference + " in their environment)");
                }
            }
        }
    }

    private static boolean unrestrictable(String action) {
        return UNRESTRICTABLE.stream().anyMatch(p -> IamWildcard.matchesAction(p, action));
    }
}
