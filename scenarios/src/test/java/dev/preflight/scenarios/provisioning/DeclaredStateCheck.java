package dev.preflight.scenarios.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.aws.AwsClients;
import dev.preflight.environment.Environment;
import dev.preflight.provision.DatabaseSecret;
import dev.preflight.topology.Autoscaling;
import dev.preflight.topology.Bucket;
import dev.preflight.topology.CacheCluster;
import dev.preflight.topology.DbInstance;
import dev.preflight.topology.EcsService;
import dev.preflight.topology.LoadBalancer;
import dev.preflight.topology.Naming;
import dev.preflight.topology.Role;
import dev.preflight.topology.Subnet;
import dev.preflight.topology.TargetGroup;
import dev.preflight.topology.Topology;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import redis.clients.jedis.Jedis;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Rule;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroupAttribute;

/**
 * Reads an environment back through the AWS API, service by service, and compares what the engine
 * holds with what the topology declares; also checks the real databases and caches behind RDS and
 * ElastiCache.
 */
public final class DeclaredStateCheck {
    private final Environment env;
    private final Topology topology;
    private final Naming naming;
    private final AwsClients aws;

    public DeclaredStateCheck(Environment env) {
        this.env = env;
        this.topology = env.topology();
        this.naming = topology.naming();
        this.aws = env.aws();
    }

    public void assertMatchesTopology() {
        network();
        ecr();
        logs();
        secretsAndDatabases();
        caches();
        buckets();
        iam();
        loadBalancer();
        ecs();
        autoscaling();
    }

    private void network() {
        var vpcs = aws.ec2().describeVpcs(r -> r.filters(tag("Name", naming.prefix()))).vpcs();
        assertThat(vpcs).as("VPC %s", naming.prefix()).hasSize(1);
        String vpcId = vpcs.get(0).vpcId();
        assertThat(vpcs.get(0).cidrBlock()).isEqualTo(topology.network().vpc().cidr());
        assertThat(aws.ec2().describeVpcAttribute(r -> r.vpcId(vpcId).attribute("enableDnsHostnames"))
                .enableDnsHostnames().value()).as("DNS hostnames (needed by awsvpc tasks)").isTrue();
        for (Map.Entry<String, Subnet> e : topology.network().subnets().entrySet()) {
            var subnets = aws.ec2().describeSubnets(r -> r.filters(vpc(vpcId), tag("Name", naming.of(e.getKey())))).subnets();
            assertThat(subnets).as("subnet %s", e.getKey()).hasSize(1);
            assertThat(subnets.get(0).cidrBlock()).isEqualTo(e.getValue().cidr());
            assertThat(subnets.get(0).availabilityZone()).isEqualTo(e.getValue().availabilityZone());
        }
        assertThat(topology.network().subnets().values().stream().map(Subnet::availabilityZone).distinct().count())
                .as("availability zones").isGreaterThanOrEqualTo(2);
        topology.network().securityGroups().forEach((name, group) -> {
            var groups = aws.ec2().describeSecurityGroups(r -> r.filters(vpc(vpcId),
                    Filter.builder().name("group-name").values(naming.of(name)).build())).securityGroups();
            assertThat(groups).as("security group %s", name).hasSize(1);
            long rules = groups.get(0).ipPermissions().stream()
                    .mapToLong(p -> p.ipRanges().size() + p.userIdGroupPairs().size()).sum();
            assertThat(rules).as("ingress rules of %s: only the declared ones", name).isEqualTo(group.ingress().size());
            group.ingress().forEach(rule -> assertThat(groups.get(0).ipPermissions())
                    .as("%s allows port %s", name, rule.port())
                    .anyMatch(p -> p.fromPort().equals(rule.port()) && p.toPort().equals(rule.port())));
        });
    }

    private void ecr() {
        topology.ecr().repositories().forEach((name, repo) -> {
            var actual = aws.ecr().describeRepositories(r -> r.repositoryNames(naming.ecrRepository(name))).repositories().get(0);
            assertThat(actual.imageTagMutabilityAsString()).as("tag mutability of %s", name).isEqualTo(repo.imageTagMutability());
            assertThat(actual.imageScanningConfiguration().scanOnPush()).as("scanOnPush of %s", name).isEqualTo(repo.scanOnPush());
        });
    }

    private void logs() {
        topology.logs().groups().forEach((name, group) -> {
            var actual = aws.logs().describeLogGroups(r -> r.logGroupNamePrefix(naming.logGroup(name))).logGroups();
            assertThat(actual).as("log group %s", name).hasSize(1);
            assertThat(actual.get(0).retentionInDays()).as("retention of %s", name).isEqualTo(group.retentionInDays());
        });
    }

    private void secretsAndDatabases() {
        topology.secrets().forEach((name, secret) -> {
            var described = aws.secrets().describeSecret(r -> r.secretId(naming.secret(name)));
            assertThat(described.arn()).isEqualTo(env.secretArn(name));
            assertThat(env.secretValue(name)).as("value of secret %s", name).isNotBlank();
        });
        for (Map.Entry<String, DbInstance> e : topology.rds().entrySet()) {
            DbInstance db = e.getValue();
            var actual = aws.rds().describeDBInstances(r -> r.dbInstanceIdentifier(naming.of(e.getKey()))).dbInstances().get(0);
            assertThat(actual.engine()).isEqualTo(db.engine());
            assertThat(actual.dbInstanceClass()).as("class of %s", e.getKey()).isEqualTo(db.instanceClass());
            assertThat(actual.allocatedStorage()).isEqualTo(db.allocatedStorage());
            assertThat(actual.multiAZ()).as("multiAz of %s", e.getKey()).isEqualTo(db.multiAz());
            assertThat(actual.dbName()).isEqualTo(db.databaseName());
            assertThat(actual.masterUsername()).isEqualTo(db.masterUsername());
            DatabaseSecret real = env.database(e.getKey());
            try (Connection c = DriverManager.getConnection(real.jdbcUrl(), real.username(), real.password())) {
                assertThat(c.isValid(5)).as("real PostgreSQL behind %s accepts the secret's credentials", e.getKey()).isTrue();
            } catch (java.sql.SQLException ex) {
                throw new AssertionError("The real database behind " + e.getKey() + " refused its own secret: " + ex.getMessage(), ex);
            }
        }
    }

    private void caches() {
        for (Map.Entry<String, CacheCluster> e : topology.elasticache().entrySet()) {
            var actual = aws.elastiCache().describeCacheClusters(r -> r.cacheClusterId(naming.of(e.getKey()))).cacheClusters().get(0);
            assertThat(actual.engine()).isEqualTo("redis");
            assertThat(actual.cacheNodeType()).as("node type of %s", e.getKey()).isEqualTo(e.getValue().nodeType());
            assertThat(actual.numCacheNodes()).isEqualTo(e.getValue().numCacheNodes());
            java.net.URI url = java.net.URI.create(env.redisUrl(e.getKey()));
            try (Jedis jedis = new Jedis(url)) {
                assertThat(jedis.ping()).as("real Redis behind %s", e.getKey()).isEqualTo("PONG");
            }
        }
    }

    private void buckets() {
        for (Map.Entry<String, Bucket> e : topology.s3().entrySet()) {
            String bucket = naming.bucket(e.getKey());
            assertThat("Enabled".equals(aws.s3().getBucketVersioning(r -> r.bucket(bucket)).statusAsString()))
                    .as("versioning of %s", bucket).isEqualTo(e.getValue().versioning());
            assertThat(aws.s3().getBucketEncryption(r -> r.bucket(bucket)).serverSideEncryptionConfiguration().rules().get(0)
                    .applyServerSideEncryptionByDefault().sseAlgorithmAsString()).isEqualTo(e.getValue().encryption());
            var block = aws.s3().getPublicAccessBlock(r -> r.bucket(bucket)).publicAccessBlockConfiguration();
            assertThat(block.blockPublicAcls() && block.blockPublicPolicy() && block.ignorePublicAcls() && block.restrictPublicBuckets())
                    .as("public access blocked on %s", bucket).isEqualTo(e.getValue().blockPublicAccess());
        }
    }

    private void iam() {
        for (Map.Entry<String, Role> e : topology.iam().roles().entrySet()) {
            var role = aws.iam().getRole(r -> r.roleName(naming.of(e.getKey()))).role();
            String trust = URLDecoder.decode(role.assumeRolePolicyDocument(), StandardCharsets.UTF_8);
            if (e.getValue().trust().githubOidc() != null) {
                assertThat(trust).as("CI role trusts GitHub OIDC for one repository and branch only")
                        .contains("sts:AssumeRoleWithWebIdentity")
                        .contains("\"token.actions.githubusercontent.com:sub\":\"" + e.getValue().trust().githubOidc().subject() + "\"")
                        .contains("\"token.actions.githubusercontent.com:aud\":\"sts.amazonaws.com\"")
                        .doesNotContain("*");
            } else {
                assertThat(trust).contains(e.getValue().trust().service());
            }
            List<String> declaredActions = e.getValue().statements().stream().flatMap(s -> s.actions().stream()).toList();
            List<String> inline = aws.iam().listRolePolicies(r -> r.roleName(naming.of(e.getKey()))).policyNames();
            if (declaredActions.isEmpty()) {
                assertThat(inline).as("role %s has no permissions", e.getKey()).isEmpty();
            } else {
                String doc = URLDecoder.decode(aws.iam().getRolePolicy(r -> r.roleName(naming.of(e.getKey())).policyName(inline.get(0)))
                        .policyDocument(), StandardCharsets.UTF_8);
                declaredActions.forEach(a -> assertThat(doc).as("policy of %s", e.getKey()).contains(a));
            }
        }
    }

    private void loadBalancer() {
        LoadBalancer lb = topology.loadBalancer();
        var lbs = aws.elb().describeLoadBalancers(r -> r.names(naming.elbName(lb.name()))).loadBalancers();
        assertThat(lbs).hasSize(1);
        assertThat(lbs.get(0).availabilityZones()).hasSizeGreaterThanOrEqualTo(2);
        for (Map.Entry<String, TargetGroup> e : lb.targetGroups().entrySet()) {
            var tg = aws.elb().describeTargetGroups(r -> r.names(naming.elbName(e.getKey()))).targetGroups().get(0);
            TargetGroup.HealthCheck hc = e.getValue().healthCheck();
            assertThat(tg.healthCheckPath()).isEqualTo(hc.path());
            assertThat(tg.healthCheckIntervalSeconds()).isEqualTo(hc.intervalSeconds());
            assertThat(tg.healthCheckTimeoutSeconds()).isEqualTo(hc.timeoutSeconds());
            assertThat(tg.healthyThresholdCount()).isEqualTo(hc.healthyThreshold());
            assertThat(tg.unhealthyThresholdCount()).isEqualTo(hc.unhealthyThreshold());
            assertThat(tg.matcher().httpCode()).isEqualTo(hc.matcher());
            Map<String, String> attributes = aws.elb().describeTargetGroupAttributes(r -> r.targetGroupArn(tg.targetGroupArn()))
                    .attributes().stream().collect(Collectors.toMap(TargetGroupAttribute::key, TargetGroupAttribute::value));
            assertThat(attributes.get("deregistration_delay.timeout_seconds"))
                    .as("deregistration delay of %s", e.getKey()).isEqualTo(e.getValue().deregistrationDelaySeconds().toString());
        }
        var listeners = aws.elb().describeListeners(r -> r.loadBalancerArn(lbs.get(0).loadBalancerArn())).listeners();
        assertThat(listeners).hasSize(1);
        assertThat(listeners.get(0).port()).isEqualTo(lb.listener().port());
        List<Rule> rules = aws.elb().describeRules(r -> r.listenerArn(listeners.get(0).listenerArn())).rules();
        for (LoadBalancer.ListenerRule rule : lb.listener().rules()) {
            assertThat(rules).as("listener rule with priority %s", rule.priority())
                    .anyMatch(r -> r.priority().equals(rule.priority().toString()));
        }
    }

    private void ecs() {
        String cluster = naming.of(topology.ecs().cluster());
        for (Map.Entry<String, EcsService> e : topology.ecs().services().entrySet()) {
            EcsService declared = e.getValue();
            var services = aws.ecs().describeServices(r -> r.cluster(cluster).services(naming.of(e.getKey()))).services();
            assertThat(services).as("ECS service %s in cluster %s", naming.of(e.getKey()), cluster).hasSize(1);
            Service service = services.get(0);
            assertThat(service.status()).isEqualTo("ACTIVE");
            assertThat(service.desiredCount()).as("desired count of %s", e.getKey()).isEqualTo(declared.desiredCount());
            assertThat(service.launchTypeAsString()).isEqualTo("FARGATE");
            assertThat(service.deploymentConfiguration().minimumHealthyPercent()).isEqualTo(declared.deployment().minimumHealthyPercent());
            assertThat(service.deploymentConfiguration().maximumPercent()).isEqualTo(declared.deployment().maximumPercent());
            assertThat(service.loadBalancers()).as("target group of %s", e.getKey()).hasSize(1);
            TaskDefinition td = aws.ecs().describeTaskDefinition(r -> r.taskDefinition(service.taskDefinition())).taskDefinition();
            assertThat(td.cpu()).isEqualTo(declared.cpu().toString());
            assertThat(td.memory()).isEqualTo(declared.memory().toString());
            ContainerDefinition container = td.containerDefinitions().get(0);
            assertThat(container.portMappings().get(0).containerPort()).isEqualTo(declared.container().port());
            assertThat(container.stopTimeout()).isEqualTo(declared.container().stopTimeout());
            assertThat(container.secrets()).as("secrets of %s", e.getKey()).hasSize(declared.container().secrets().size());
            container.secrets().forEach(s -> assertThat(s.valueFrom()).startsWith("arn:aws:secretsmanager:"));
            assertThat(container.environment().stream().map(kv -> kv.value()).toList())
                    .as("environment of %s has every ${...} resolved", e.getKey()).noneMatch(v -> v.contains("${"));
        }
    }

    private void autoscaling() {
        String cluster = naming.of(topology.ecs().cluster());
        for (Map.Entry<String, EcsService> e : topology.ecs().services().entrySet()) {
            Autoscaling declared = e.getValue().autoscaling();
            if (declared == null) {
                continue;
            }
            String resourceId = "service/" + cluster + "/" + naming.of(e.getKey());
            var targets = aws.autoScaling().describeScalableTargets(r -> r.serviceNamespace("ecs").resourceIds(resourceId)).scalableTargets();
            assertThat(targets).as("scalable target of %s", e.getKey()).hasSize(1);
            assertThat(targets.get(0).minCapacity()).as("min of %s", e.getKey()).isEqualTo(declared.min());
            assertThat(targets.get(0).maxCapacity()).as("max of %s", e.getKey()).isEqualTo(declared.max());
            var policies = aws.autoScaling().describeScalingPolicies(r -> r.serviceNamespace("ecs").resourceId(resourceId)).scalingPolicies();
            assertThat(policies).as("policies of %s", e.getKey()).hasSize(declared.policies().size());
            for (Autoscaling.ScalingPolicy policy : declared.policies()) {
                assertThat(policies).as("%s policy on %s", e.getKey(), policy.metric()).anyMatch(p ->
                        p.targetTrackingScalingPolicyConfiguration().predefinedMetricSpecification().predefinedMetricTypeAsString()
                                .equals(policy.metric())
                                && p.targetTrackingScalingPolicyConfiguration().targetValue().equals(policy.targetValue()));
            }
        }
    }

    private static Filter tag(String key, String value) {
        return Filter.builder().name("tag:" + key).values(value).build();
    }

    private static Filter vpc(String id) {
        return Filter.builder().name("vpc-id").values(id).build();
    }
}
