package dev.preflight.provision;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.aws.AwsClients;
import dev.preflight.engine.AwsEngine;
import dev.preflight.topology.Topology;
import dev.preflight.topology.TopologyLoader;
import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableDimension;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableTarget;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalingPolicy;
import software.amazon.awssdk.services.applicationautoscaling.model.ServiceNamespace;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Listener;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancer;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancerNotFoundException;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Rule;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroup;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroupAttribute;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroupNotFoundException;

/**
 * The load balancer, ECS and autoscaling kinds against a real moto_server: apply creates the dev
 * environment as declared, a second apply changes nothing, drift is repaired, a plan of an empty
 * engine creates everything, and destroy removes it all. The earlier kinds' resources are created
 * here directly with the SDK.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LoadBalancerEcsAutoScalingTest {
    private static final String ECS_TASKS_TRUST = """
            {"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs-tasks.amazonaws.com"},"Action":"sts:AssumeRole"}]}""";

    private Process moto;
    private AwsClients aws;
    private Topology topology;
    /** The earlier kinds' outputs (created in setUp); each run starts from a copy. */
    private final Outputs prerequisites = new Outputs();
    /** The outputs of the apply runs, shared between them as Provisioner shares its outputs. */
    private Outputs outputs;

    @BeforeAll
    void setUp() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        File log = File.createTempFile("moto-lb-ecs-aas", ".log");
        log.deleteOnExit();
        moto = new ProcessBuilder("moto_server", "-H", "127.0.0.1", "-p", String.valueOf(port))
                .redirectErrorStream(true).redirectOutput(log).start();
        URI endpoint = URI.create("http://127.0.0.1:" + port);
        awaitReady(endpoint);
        topology = new TopologyLoader().load(Path.of("../fixtures/topology"), "dev");
        aws = new AwsClients(engine(endpoint), topology.region());
        createPrerequisites();
        outputs = copy(prerequisites);
    }

    @AfterAll
    void tearDown() throws Exception {
        if (aws != null) {
            aws.close();
        }
        if (moto != null) {
            moto.descendants().forEach(ProcessHandle::destroy);
            moto.destroy();
            if (!moto.waitFor(10, TimeUnit.SECONDS)) {
                moto.descendants().forEach(ProcessHandle::destroyForcibly);
                moto.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    // ---- the tests, in order -----------------------------------------------------------------------

    @Test
    @Order(1)
    void planOfAnEmptyEngineCreatesEverythingAndChangesNothing() {
        int before = aws.mutatingCalls();
        List<Change> plan = run(copy(prerequisites), true, false);

        assertThat(plan).allMatch(c -> c.action() == Change.Action.CREATE, "every change is CREATE");
        assertThat(resources(plan, "load balancer")).containsExactlyInAnyOrder(
                "target group shop-dev-frontend", "target group shop-dev-api", "target group shop-dev-admin",
                "load balancer shop-dev-web", "listener shop-dev-web:80",
                "listener rule shop-dev-web priority 10", "listener rule shop-dev-web priority 20");
        assertThat(resources(plan, "ecs")).containsExactlyInAnyOrder("cluster shop-dev-main",
                "task definition shop-dev-frontend", "service shop-dev-frontend",
                "task definition shop-dev-api", "service shop-dev-api",
                "task definition shop-dev-admin", "service shop-dev-admin");
        assertThat(resources(plan, "autoscaling")).containsExactlyInAnyOrder(
                "scalable target service/shop-dev-main/shop-dev-frontend", "scaling policy shop-dev-frontend-cpu",
                "scalable target service/shop-dev-main/shop-dev-api", "scaling policy shop-dev-api-alb-requests",
                "scaling policy shop-dev-api-cpu",
                "scalable target service/shop-dev-main/shop-dev-admin", "scaling policy shop-dev-admin-memory");
        assertThat(aws.mutatingCalls()).isEqualTo(before);
    }

    @Test
    @Order(2)
    void applyCreatesTheLoadBalancerAsDeclared() {
        List<Change> apply = run(outputs, false, false);
        assertThat(apply).hasSize(21).allMatch(c -> c.action() == Change.Action.CREATE);

        LoadBalancer alb = aws.elb().describeLoadBalancers(r -> r.names("shop-dev-web")).loadBalancers().get(0);
        assertThat(alb.typeAsString()).isEqualTo("application");
        assertThat(alb.schemeAsString()).isEqualTo("internet-facing");
        assertThat(alb.availabilityZones()).extracting(az -> az.subnetId())
                .containsExactlyInAnyOrder(prerequisites.require("subnet", "public-a"), prerequisites.require("subnet", "public-b"));
        assertThat(alb.securityGroups()).containsExactly(prerequisites.require("securityGroup", "alb"));
        assertThat(outputs.require("loadBalancer", "web")).isEqualTo(alb.loadBalancerArn());
        assertThat(outputs.require("loadBalancerDns", "web")).isEqualTo(alb.dnsName());
        assertThat(aws.elb().describeLoadBalancerAttributes(r -> r.loadBalancerArn(alb.loadBalancerArn())).attributes())
                .anyMatch(a -> a.key().equals("idle_timeout.timeout_seconds") && a.value().equals("60"));

        TargetGroup api = targetGroup("shop-dev-api");
        assertThat(api.port()).isEqualTo(8080);
        assertThat(api.protocolAsString()).isEqualTo("HTTP");
        assertThat(api.targetTypeAsString()).isEqualTo("ip");
        assertThat(api.vpcId()).isEqualTo(prerequisites.require("vpc", "main"));
        assertThat(api.healthCheckPath()).isEqualTo("/health");
        assertThat(api.healthCheckIntervalSeconds()).isEqualTo(15);
        assertThat(api.healthCheckTimeoutSeconds()).isEqualTo(5);
        assertThat(api.healthyThresholdCount()).isEqualTo(3);
        assertThat(api.unhealthyThresholdCount()).isEqualTo(2);
        assertThat(api.matcher().httpCode()).isEqualTo("200");
        assertThat(targetGroupAttributes(api)).containsEntry("deregistration_delay.timeout_seconds", "75")
                .containsEntry("load_balancing.algorithm.type", "least_outstanding_requests");
        TargetGroup admin = targetGroup("shop-dev-admin");
        assertThat(admin.matcher().httpCode()).isEqualTo("200-299");
        assertThat(targetGroupAttributes(admin)).containsEntry("deregistration_delay.timeout_seconds", "70")
                .containsEntry("load_balancing.algorithm.type", "round_robin");
        assertThat(outputs.require("targetGroup", "api")).isEqualTo(api.targetGroupArn());

        Listener listener = aws.elb().describeListeners(r -> r.loadBalancerArn(alb.loadBalancerArn())).listeners().get(0);
        assertThat(listener.port()).isEqualTo(80);
        assertThat(listener.protocolAsString()).isEqualTo("HTTP");
        assertThat(LoadBalancerResources.forwardTarget(listener.defaultActions())).isEqualTo(outputs.require("targetGroup", "frontend"));
        assertThat(outputs.require("listener", "web")).isEqualTo(listener.listenerArn());
        Map<String, Rule> rules = aws.elb().describeRules(r -> r.listenerArn(listener.listenerArn())).rules().stream()
                .collect(Collectors.toMap(Rule::priority, r -> r));
        assertThat(rules).containsOnlyKeys("10", "20", "default");
        assertThat(LoadBalancerResources.conditionValues(rules.get("10").conditions()))
                .isEqualTo(Map.of("path-pattern", java.util.Set.of("/api/*")));
        assertThat(LoadBalancerResources.forwardTarget(rules.get("10").actions())).isEqualTo(api.targetGroupArn());
        assertThat(LoadBalancerResources.conditionValues(rules.get("20").conditions()))
                .isEqualTo(Map.of("host-header", java.util.Set.of("admin.*")));
        assertThat(LoadBalancerResources.forwardTarget(rules.get("20").actions())).isEqualTo(admin.targetGroupArn());
    }

    @Test
    @Order(3)
    void applyCreatedTheTaskDefinitionsAndServicesAsDeclared() {
        assertThat(aws.ecs().describeClusters(r -> r.clusters("shop-dev-main")).clusters().get(0).status()).isEqualTo("ACTIVE");
        assertThat(outputs.require("cluster", "main")).endsWith(":cluster/shop-dev-main");

        TaskDefinition td = aws.ecs().describeTaskDefinition(r -> r.taskDefinition(outputs.require("taskDefinition", "api")))
                .taskDefinition();
        assertThat(td.family()).isEqualTo("shop-dev-api");
        assertThat(td.requiresCompatibilitiesAsStrings()).containsExactly("FARGATE");
        assertThat(td.networkModeAsString()).isEqualTo("awsvpc");
        assertThat(td.cpu()).isEqualTo("512");
        assertThat(td.memory()).isEqualTo("1024");
        assertThat(td.executionRoleArn()).isEqualTo(prerequisites.require("role", "task-execution"));
        assertThat(td.taskRoleArn()).isEqualTo(prerequisites.require("role", "api-task"));
        assertThat(td.containerDefinitions()).hasSize(1);
        ContainerDefinition c = td.containerDefinitions().get(0);
        assertThat(c.name()).isEqualTo("api");
        assertThat(c.image()).isEqualTo(prerequisites.require("ecr", "api") + ":latest");
        assertThat(c.essential()).isTrue();
        assertThat(c.memory()).isEqualTo(1024);
        assertThat(c.stopTimeout()).isEqualTo(90);
        assertThat(c.portMappings()).singleElement().satisfies(p -> {
            assertThat(p.containerPort()).isEqualTo(8080);
            assertThat(p.hostPort()).isEqualTo(8080);
            assertThat(p.protocolAsString()).isEqualTo("tcp");
        });
        assertThat(c.healthCheck().command()).containsExactly("CMD-SHELL", "curl -f http://localhost:8080/health");
        assertThat(c.healthCheck().interval()).isEqualTo(30);
        assertThat(c.healthCheck().timeout()).isEqualTo(5);
        assertThat(c.healthCheck().retries()).isEqualTo(3);
        assertThat(c.healthCheck().startPeriod()).isEqualTo(10);
        assertThat(c.logConfiguration().logDriverAsString()).isEqualTo("awslogs");
        assertThat(c.logConfiguration().options()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "awslogs-group", "/ecs/shop-dev/api", "awslogs-region", "eu-west-1", "awslogs-stream-prefix", "api"));
        assertThat(c.environment().stream().collect(Collectors.toMap(KeyValuePair::name, KeyValuePair::value)))
                .containsExactlyInAnyOrderEntriesOf(Map.of("APP_ROLE", "api", "APP_BASE_PATH", "/api", "REDIS_URL", "redis://127.0.0.1:6390/0",
                        "MEDIA_BUCKET", "shop-dev-media"));
        assertThat(c.secrets().stream().collect(Collectors.toMap(s -> s.name(), s -> s.valueFrom())))
                .containsExactlyInAnyOrderEntriesOf(Map.of("DB_SECRET", prerequisites.require("secret", "db-credentials"),
                        "APP_KEY", prerequisites.require("secret", "app-key")));

        Service api = service("shop-dev-api");
        assertThat(api.status()).isEqualTo("ACTIVE");
        assertThat(api.serviceArn()).isEqualTo(outputs.require("service", "api"));
        assertThat(api.launchTypeAsString()).isEqualTo("FARGATE");
        assertThat(api.desiredCount()).isEqualTo(1);
        assertThat(api.taskDefinition()).isEqualTo(td.taskDefinitionArn());
        assertThat(api.healthCheckGracePeriodSeconds()).isEqualTo(60);
        assertThat(api.deploymentConfiguration().minimumHealthyPercent()).isEqualTo(100);
        assertThat(api.deploymentConfiguration().maximumPercent()).isEqualTo(200);
        assertThat(api.deploymentConfiguration().deploymentCircuitBreaker().enable()).isTrue();
        assertThat(api.deploymentConfiguration().deploymentCircuitBreaker().rollback()).isTrue();
        assertThat(api.deploymentController().typeAsString()).isEqualTo("ECS");
        assertThat(api.loadBalancers()).singleElement().satisfies(lb -> {
            assertThat(lb.targetGroupArn()).isEqualTo(outputs.require("targetGroup", "api"));
            assertThat(lb.containerName()).isEqualTo("api");
            assertThat(lb.containerPort()).isEqualTo(8080);
        });
        var vpc = api.networkConfiguration().awsvpcConfiguration();
        assertThat(vpc.subnets()).containsExactlyInAnyOrder(prerequisites.require("subnet", "private-a"),
                prerequisites.require("subnet", "private-b"));
        assertThat(vpc.securityGroups()).containsExactly(prerequisites.require("securityGroup", "app"));
        assertThat(vpc.assignPublicIpAsString()).isEqualTo("DISABLED");
        assertThat(service("shop-dev-admin").deploymentConfiguration().minimumHealthyPercent()).isEqualTo(50);
    }

    @Test
    @Order(4)
    void applyCreatedTheScalableTargetsAndPolicies() {
        assertThat(outputs.require("scalableTarget", "api")).isEqualTo("service/shop-dev-main/shop-dev-api");
        assertThat(scalableTarget("service/shop-dev-main/shop-dev-api")).satisfies(t -> {
            assertThat(t.minCapacity()).isEqualTo(1);
            assertThat(t.maxCapacity()).isEqualTo(3);
        });
        assertThat(scalableTarget("service/shop-dev-main/shop-dev-admin").maxCapacity()).isEqualTo(1);
        Map<String, ScalingPolicy> policies = policies("service/shop-dev-main/shop-dev-api");
        assertThat(policies).containsOnlyKeys("shop-dev-api-alb-requests", "shop-dev-api-cpu");
        var requests = policies.get("shop-dev-api-alb-requests").targetTrackingScalingPolicyConfiguration();
        assertThat(requests.targetValue()).isEqualTo(1000.0);
        assertThat(requests.scaleOutCooldown()).isEqualTo(60);
        assertThat(requests.scaleInCooldown()).isEqualTo(300);
        assertThat(requests.predefinedMetricSpecification().predefinedMetricTypeAsString()).isEqualTo("ALBRequestCountPerTarget");
        String lbArn = outputs.require("loadBalancer", "web");
        String tgArn = outputs.require("targetGroup", "api");
        assertThat(requests.predefinedMetricSpecification().resourceLabel()).isEqualTo(
                "app/shop-dev-web/" + lbArn.substring(lbArn.lastIndexOf('/') + 1)
                        + "/targetgroup/shop-dev-api/" + tgArn.substring(tgArn.lastIndexOf('/') + 1));
        assertThat(policies.get("shop-dev-api-cpu").targetTrackingScalingPolicyConfiguration().targetValue()).isEqualTo(70.0);
        assertThat(policies("service/shop-dev-main/shop-dev-admin").get("shop-dev-admin-memory")
                .targetTrackingScalingPolicyConfiguration().targetValue()).isEqualTo(75.0);
    }

    @Test
    @Order(5)
    void secondApplyAndPlanChangeNothing() {
        int before = aws.mutatingCalls();
        List<Change> again = run(outputs, false, false);
        assertThat(again).hasSize(21).allSatisfy(c -> assertThat(c.action()).as(c.toString()).isEqualTo(Change.Action.UNCHANGED));
        List<Change> plan = run(copy(outputs), true, false);
        assertThat(plan).hasSize(21).allSatisfy(c -> assertThat(c.action()).as(c.toString()).isEqualTo(Change.Action.UNCHANGED));
        assertThat(aws.mutatingCalls()).as("mutating calls: %s", aws.counter().operations()).isEqualTo(before);
    }

    @Test
    @Order(6)
    void applyRepairsDrift() {
        TargetGroup api = targetGroup("shop-dev-api");
        aws.elb().modifyTargetGroupAttributes(r -> r.targetGroupArn(api.targetGroupArn()).attributes(
                TargetGroupAttribute.builder().key("deregistration_delay.timeout_seconds").value("5").build()));
        aws.elb().modifyTargetGroup(r -> r.targetGroupArn(api.targetGroupArn()).healthCheckPath("/wrong"));
        String listener = outputs.require("listener", "web");
        Rule rule20 = aws.elb().describeRules(r -> r.listenerArn(listener)).rules().stream()
                .filter(r -> r.priority().equals("20")).findFirst().orElseThrow();
        aws.elb().deleteRule(r -> r.ruleArn(rule20.ruleArn()));
        aws.elb().createRule(r -> r.listenerArn(listener).priority(30)
                .conditions(c -> c.field("path-pattern").pathPatternConfig(p -> p.values("/extra")))
                .actions(a -> a.type("forward").targetGroupArn(api.targetGroupArn())));
        aws.ecs().updateService(r -> r.cluster("shop-dev-main").service("shop-dev-admin").desiredCount(3)
                .deploymentConfiguration(d -> d.minimumHealthyPercent(0).maximumPercent(100)));
        aws.autoScaling().putScalingPolicy(r -> r.policyName("shop-dev-api-cpu").serviceNamespace(ServiceNamespace.ECS)
                .resourceId("service/shop-dev-main/shop-dev-api").scalableDimension(ScalableDimension.ECS_SERVICE_DESIRED_COUNT)
                .policyType("TargetTrackingScaling").targetTrackingScalingPolicyConfiguration(t -> t.targetValue(95.0)
                        .predefinedMetricSpecification(m -> m.predefinedMetricType("ECSServiceAverageCPUUtilization"))));
        aws.autoScaling().registerScalableTarget(r -> r.serviceNamespace(ServiceNamespace.ECS)
                .resourceId("service/shop-dev-main/shop-dev-frontend").scalableDimension(ScalableDimension.ECS_SERVICE_DESIRED_COUNT)
                .minCapacity(1).maxCapacity(9));

        List<Change> repair = run(outputs, false, false);
        assertThat(changed(repair)).containsExactlyInAnyOrder(
                "~ load balancer target group shop-dev-api",
                "+ load balancer listener rule shop-dev-web priority 20",
                "- load balancer listener rule shop-dev-web priority 30",
                "~ ecs service shop-dev-admin",
                "~ autoscaling scalable target service/shop-dev-main/shop-dev-frontend",
                "~ autoscaling scaling policy shop-dev-api-cpu");
        assertThat(targetGroup("shop-dev-api").healthCheckPath()).isEqualTo("/health");
        assertThat(targetGroupAttributes(targetGroup("shop-dev-api"))).containsEntry("deregistration_delay.timeout_seconds", "75");
        assertThat(service("shop-dev-admin").desiredCount()).isEqualTo(1);
        assertThat(service("shop-dev-admin").deploymentConfiguration().minimumHealthyPercent()).isEqualTo(50);
        assertThat(policies("service/shop-dev-main/shop-dev-api").get("shop-dev-api-cpu")
                .targetTrackingScalingPolicyConfiguration().targetValue()).isEqualTo(70.0);

        int before = aws.mutatingCalls();
        assertThat(run(outputs, false, false)).allMatch(c -> c.action() == Change.Action.UNCHANGED);
        assertThat(aws.mutatingCalls()).isEqualTo(before);
    }

    @Test
    @Order(7)
    void aDeregisteredRevisionIsRegisteredAgain() {
        // The runtime deploys by registering revisions; reconcile compares the latest ACTIVE one with the topology.
        String first = outputs.require("taskDefinition", "frontend");
        aws.ecs().deregisterTaskDefinition(r -> r.taskDefinition(first));
        List<Change> repair = run(outputs, false, false);
        assertThat(changed(repair)).containsExactlyInAnyOrder("+ ecs task definition shop-dev-frontend", "~ ecs service shop-dev-frontend");
        assertThat(outputs.require("taskDefinition", "frontend")).endsWith("shop-dev-frontend:2");
        assertThat(service("shop-dev-frontend").taskDefinition()).isEqualTo(outputs.require("taskDefinition", "frontend"));
    }

    @Test
    @Order(8)
    void destroyRemovesEverything() {
        List<Change> destroy = run(outputs, false, true);
        assertThat(destroy).allMatch(c -> c.action() == Change.Action.DELETE);
        assertThat(resources(destroy, "autoscaling")).hasSize(7);
        assertThat(resources(destroy, "ecs")).hasSize(7);
        assertThat(resources(destroy, "load balancer")).hasSize(7);

        assertThat(aws.autoScaling().describeScalableTargets(r -> r.serviceNamespace(ServiceNamespace.ECS)).scalableTargets()).isEmpty();
        assertThat(aws.autoScaling().describeScalingPolicies(r -> r.serviceNamespace(ServiceNamespace.ECS)).scalingPolicies()).isEmpty();
        assertThat(service("shop-dev-api").status()).isEqualTo("INACTIVE");
        assertThat(aws.ecs().listTaskDefinitions(r -> r.familyPrefix("shop-dev-api").status("ACTIVE")).taskDefinitionArns()).isEmpty();
        assertThat(aws.ecs().listTaskDefinitions(r -> r.familyPrefix("shop-dev-frontend").status("ACTIVE")).taskDefinitionArns()).isEmpty();
        assertThat(aws.ecs().describeClusters(r -> r.clusters("shop-dev-main")).clusters())
                .allMatch(c -> c.status().equals("INACTIVE"));
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() ->
                aws.elb().describeLoadBalancers(r -> r.names("shop-dev-web")))).isInstanceOf(LoadBalancerNotFoundException.class);
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() ->
                aws.elb().describeTargetGroups(r -> r.names("shop-dev-api")))).isInstanceOf(TargetGroupNotFoundException.class);
        assertThat(outputs.get("loadBalancer", "web")).isEmpty();
        assertThat(outputs.get("service", "api")).isEmpty();

        assertThat(run(outputs, false, true)).as("a second destroy finds nothing").isEmpty();
    }

    @Test
    @Order(9)
    void applyAfterDestroyCreatesEverythingAgain() {
        List<Change> apply = run(outputs, false, false);
        assertThat(apply).hasSize(21).allMatch(c -> c.action() == Change.Action.CREATE);
        assertThat(run(outputs, false, true)).hasSize(21);
    }

    @Test
    void secretReferencesAndPlaceholdersResolveFromOutputs() {
        Outputs values = new Outputs();
        String arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop-dev/db-credentials-AbCdEf";
        values.put("secret", "db-credentials", arn);
        values.put("rdsAddress", "app-db", "127.0.0.1");
        values.put("rdsPort", "app-db", "54321");
        values.put("cache", "sessions", "redis://127.0.0.1:6390/2");
        values.put("bucket", "media", "shop-dev-media");
        ProvisionContext ctx = new ProvisionContext(topology, aws, null, values, false);

        assertThat(Placeholders.secretValueFrom(ctx, "db-credentials")).isEqualTo(arn);
        assertThat(Placeholders.secretValueFrom(ctx, "db-credentials:password::")).isEqualTo(arn + ":password::");
        assertThat(Placeholders.resolve(ctx, "jdbc:postgresql://${rds.app-db.address}:${rds.app-db.port}/shop"))
                .isEqualTo("jdbc:postgresql://127.0.0.1:54321/shop");
        assertThat(Placeholders.resolve(ctx, "${elasticache.sessions.url}")).isEqualTo("redis://127.0.0.1:6390/2");
        assertThat(Placeholders.resolve(ctx, "${s3.media.bucket}")).isEqualTo("shop-dev-media");
        assertThat(Placeholders.resolve(ctx, "plain $HOME")).isEqualTo("plain $HOME");

        ProvisionContext plan = new ProvisionContext(topology, aws, null, new Outputs(), true);
        assertThat(Placeholders.known(Placeholders.resolve(plan, "x ${s3.media.bucket}"))).isFalse();
        assertThat(Placeholders.known(Placeholders.secretValueFrom(plan, "db-credentials:password::"))).isFalse();
    }

    // ---- running the three kinds -------------------------------------------------------------------

    private List<Change> run(Outputs values, boolean dryRun, boolean destroy) {
        ProvisionContext ctx = new ProvisionContext(topology, aws, null, values, dryRun);
        List<ResourceKind> kinds = new java.util.ArrayList<>(
                List.of(new LoadBalancerResources(), new EcsResources(), new AutoScalingResources()));
        if (destroy) {
            java.util.Collections.reverse(kinds);
        }
        for (ResourceKind kind : kinds) {
            ctx.beginKind(kind.title());
            if (destroy) {
                kind.destroy(ctx);
            } else {
                kind.reconcile(ctx);
            }
        }
        return ctx.changes();
    }

    private static List<String> resources(List<Change> changes, String kind) {
        return changes.stream().filter(c -> c.kind().equals(kind)).map(Change::resource).toList();
    }

    /** "~ kind resource" for every change that is not UNCHANGED (without the detail). */
    private static List<String> changed(List<Change> changes) {
        return changes.stream().filter(c -> c.action() != Change.Action.UNCHANGED)
                .map(c -> new Change(c.kind(), c.resource(), c.action(), "").toString()).toList();
    }

    private static Outputs copy(Outputs source) {
        Outputs copy = new Outputs();
        source.asMap().forEach((key, value) -> {
            int slash = key.indexOf('/');
            copy.put(key.substring(0, slash), key.substring(slash + 1), value);
        });
        return copy;
    }

    // ---- reading back ------------------------------------------------------------------------------

    private TargetGroup targetGroup(String name) {
        return aws.elb().describeTargetGroups(r -> r.names(name)).targetGroups().get(0);
    }

    private Map<String, String> targetGroupAttributes(TargetGroup tg) {
        return aws.elb().describeTargetGroupAttributes(r -> r.targetGroupArn(tg.targetGroupArn())).attributes().stream()
                .collect(Collectors.toMap(TargetGroupAttribute::key, TargetGroupAttribute::value));
    }

    private Service service(String name) {
        return aws.ecs().describeServices(r -> r.cluster("shop-dev-main").services(name)).services().get(0);
    }

    private ScalableTarget scalableTarget(String resourceId) {
        return aws.autoScaling().describeScalableTargets(r -> r.serviceNamespace(ServiceNamespace.ECS).resourceIds(resourceId))
                .scalableTargets().get(0);
    }

    private Map<String, ScalingPolicy> policies(String resourceId) {
        return aws.autoScaling().describeScalingPolicies(r -> r.serviceNamespace(ServiceNamespace.ECS).resourceId(resourceId))
                .scalingPolicies().stream().collect(Collectors.toMap(ScalingPolicy::policyName, p -> p));
    }

    // ---- the earlier kinds' resources, created directly ----------------------------------------------

    private void createPrerequisites() {
        var ec2 = aws.ec2();
        String vpcId = ec2.createVpc(r -> r.cidrBlock(topology.network().vpc().cidr())).vpc().vpcId();
        ec2.modifyVpcAttribute(r -> r.vpcId(vpcId).enableDnsHostnames(v -> v.value(true)));
        prerequisites.put("vpc", "main", vpcId);
        topology.network().subnets().forEach((name, subnet) -> prerequisites.put("subnet", name,
                ec2.createSubnet(r -> r.vpcId(vpcId).cidrBlock(subnet.cidr()).availabilityZone(subnet.availabilityZone()))
                        .subnet().subnetId()));
        topology.network().securityGroups().forEach((name, group) -> prerequisites.put("securityGroup", name,
                ec2.createSecurityGroup(r -> r.vpcId(vpcId).groupName(topology.naming().of(name))
                        .description(group.description())).groupId()));
        topology.iam().roles().keySet().forEach(name -> prerequisites.put("role", name,
                aws.iam().createRole(r -> r.roleName(topology.naming().of(name)).assumeRolePolicyDocument(ECS_TASKS_TRUST))
                        .role().arn()));
        topology.secrets().keySet().forEach(name -> prerequisites.put("secret", name,
                aws.secrets().createSecret(r -> r.name(topology.naming().secret(name)).secretString("s3cr3t")).arn()));
        topology.ecr().repositories().keySet().forEach(name -> prerequisites.put("ecr", name,
                aws.ecr().createRepository(r -> r.repositoryName(topology.naming().ecrRepository(name)))
                        .repository().repositoryUri()));
        topology.logs().groups().keySet().forEach(name -> {
            aws.logs().createLogGroup(r -> r.logGroupName(topology.naming().logGroup(name)));
            prerequisites.put("logGroup", name, topology.naming().logGroup(name));
        });
        // Nothing connects to these here: addresses of the real Redis and PostgreSQL are faked.
        prerequisites.put("bucket", "media", topology.naming().bucket("media"));
        prerequisites.put("cache", "sessions", "redis://127.0.0.1:6390/0");
        prerequisites.put("rdsAddress", "app-db", "127.0.0.1");
        prerequisites.put("rdsPort", "app-db", "54329");
    }

    private static AwsEngine engine(URI endpoint) {
        return new AwsEngine() {
            @Override
            public URI endpoint() {
                return endpoint;
            }

            @Override
            public String flavor() {
                return "moto";
            }

            @Override
            public void start() {
            }

            @Override
            public void close() {
            }

            @Override
            public String description() {
                return "moto_server at " + endpoint;
            }
        };
    }

    private void awaitReady(URI endpoint) throws Exception {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (!moto.isAlive()) {
                throw new IllegalStateException("moto_server exited with " + moto.exitValue());
            }
            try {
                HttpResponse<Void> response = http.send(HttpRequest.newBuilder(endpoint.resolve("/moto-api/")).build(),
                        HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() < 500) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("moto_server did not answer on " + endpoint + " within 60 s");
    }
}
