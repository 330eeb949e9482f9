package dev.preflight.provision;

import dev.preflight.aws.AwsClients;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import software.amazon.awssdk.services.ec2.model.Filter;

/**
 * Everything an AWS engine holds whose name starts with a prefix (or, in EC2, carries the project
 * tag), service by service: how a test proves that destroy removed everything, or that a failed
 * validation created nothing.
 */
public final class ResourceInventory {
    private ResourceInventory() {
    }

    /** Everything the engine holds, of every project: to prove that something created nothing. */
    public static List<String> everything(AwsClients aws) {
        return find(aws, null, "");
    }

    /**
     * Descriptions like "ecs task definition arn:...:shop-dev-api:1"; empty when nothing of the prefix
     * exists. A null project lists EC2 resources of every project.
     */
    public static List<String> find(AwsClients aws, String project, String prefix) {
        List<String> found = new ArrayList<>();
        Filter projectTag = project == null
                ? Filter.builder().name("tag-key").values(ProvisionContext.PROJECT_TAG).build()
                : Filter.builder().name("tag:" + ProvisionContext.PROJECT_TAG).values(project).build();
        add(found, "ec2 vpc", () -> aws.ec2().describeVpcs(r -> r.filters(projectTag)).vpcs().stream()
                .map(v -> v.vpcId() + " " + v.cidrBlock()).toList());
        add(found, "ec2 subnet", () -> aws.ec2().describeSubnets(r -> r.filters(projectTag)).subnets().stream().map(s -> s.subnetId()).toList());
        add(found, "ec2 security group", () -> aws.ec2().describeSecurityGroups(r -> r.filters(projectTag)).securityGroups().stream()
                .map(g -> g.groupName()).toList());
        add(found, "ec2 internet gateway", () -> aws.ec2().describeInternetGateways(r -> r.filters(projectTag)).internetGateways().stream()
                .map(g -> g.internetGatewayId()).toList());
        add(found, "ec2 route table", () -> aws.ec2().describeRouteTables(r -> r.filters(projectTag)).routeTables().stream()
                .map(t -> t.routeTableId()).toList());
        add(found, "iam role", () -> aws.iam().listRoles().roles().stream().map(r -> r.roleName()).filter(n -> n.startsWith(prefix)).toList());
        add(found, "secret", () -> aws.secrets().listSecrets().secretList().stream().map(s -> s.name()).filter(n -> n.startsWith(prefix)).toList());
        add(found, "ecr repository", () -> aws.ecr().describeRepositories().repositories().stream().map(r -> r.repositoryName())
                .filter(n -> n.startsWith(prefix)).toList());
        add(found, "log group", () -> aws.logs().describeLogGroups(r -> r.logGroupNamePrefix("/ecs/" + prefix)).logGroups().stream()
                .map(g -> g.logGroupName()).toList());
        add(found, "s3 bucket", () -> aws.s3().listBuckets().buckets().stream().map(b -> b.name()).filter(n -> n.startsWith(prefix)).toList());
        add(found, "rds instance", () -> aws.rds().describeDBInstances().dbInstances().stream()
                .filter(d -> !List.of("deleting", "deleted").contains(d.dbInstanceStatus())).map(d -> d.dbInstanceIdentifier())
                .filter(n -> n.startsWith(prefix)).toList());
        add(found, "rds subnet group", () -> aws.rds().describeDBSubnetGroups().dbSubnetGroups().stream().map(g -> g.dbSubnetGroupName())
                .filter(n -> n.startsWith(prefix)).toList());
        add(found, "elasticache cluster", () -> aws.elastiCache().describeCacheClusters().cacheClusters().stream()
                .filter(c -> !List.of("deleting", "deleted").contains(c.cacheClusterStatus()))
                .map(c -> c.cacheClusterId()).filter(n -> n.startsWith(prefix)).toList());
        add(found, "elasticache subnet group", () -> aws.elastiCache().describeCacheSubnetGroups().cacheSubnetGroups().stream()
                .map(g -> g.cacheSubnetGroupName()).filter(n -> n.startsWith(prefix)).toList());
        add(found, "load balancer", () -> aws.elb().describeLoadBalancers().loadBalancers().stream().map(l -> l.loadBalancerName())
                .filter(n -> n.startsWith(prefix)).toList());
        add(found, "target group", () -> aws.elb().describeTargetGroups().targetGroups().stream().map(t -> t.targetGroupName())
                .filter(n -> n.startsWith(prefix)).toList());
        add(found, "ecs cluster", () -> aws.ecs().listClusters().clusterArns().stream()
                .filter(a -> a.substring(a.lastIndexOf('/') + 1).startsWith(prefix))
                .filter(a -> aws.ecs().describeClusters(r -> r.clusters(a)).clusters().stream().anyMatch(c -> "ACTIVE".equals(c.status())))
                .toList());
        add(found, "ecs task definition", () -> aws.ecs().listTaskDefinitions(r -> r.status("ACTIVE")).taskDefinitionArns().stream()
                .filter(a -> a.substring(a.lastIndexOf('/') + 1).startsWith(prefix)).toList());
        add(found, "scalable target", () -> aws.autoScaling().describeScalableTargets(r -> r.serviceNamespace("ecs")).scalableTargets().stream()
                .map(t -> t.resourceId()).filter(id -> id.startsWith("service/" + prefix)).toList());
        return found;
    }

    private static void add(List<String> found, String kind, Supplier<List<String>> names) {
        names.get().forEach(n -> found.add(kind + " " + n));
    }
}
