package dev.preflight.scenarios.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.deploy.ApplyResult;
import dev.preflight.deploy.DeployResult;
import dev.preflight.ecs.EcsTask;
import dev.preflight.ecs.RollingUpdatePolicy;
import dev.preflight.engine.Engines;
import dev.preflight.junit.PreflightEnvironment;
import dev.preflight.running.RunningEnvironment;
import dev.preflight.topology.TargetGroup;
import dev.preflight.topology.Topology;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.KeyValuePair;

/**
 * A team's pipeline applies its infrastructure change to what runs, then deploys the image: the
 * runtime follows the change through the AWS API (the target group's health check and drain, the
 * service's deployment configuration), a changed task definition rolls out with the image that runs
 * now (never the provisioning placeholder), a plan afterwards finds nothing left to change, and the
 * next deploy keeps the new settings.
 */
@PreflightEnvironment
class ApplyThenDeployTest {
    private static final String CHANGE = """
            loadBalancer: {targetGroups: {api: {deregistrationDelaySeconds: 40, healthCheck: {intervalSeconds: 10}}}}
            ecs: {services: {api: {deployment: {minimumHealthyPercent: 50}, container: {environment: {APP_ROLE: api-changed}}}}}
            """;

    @Test
    void theInfrastructureChangeReachesWhatRunsAndTheNextDeployKeepsIt(Engines engines) {
        RunningEnvironment.Definition definition = RunningEnvironment.of("dev").withProject("applythen");
        try (RunningEnvironment env = definition.start(engines)) {
            assertThat(env.pipeline().deploy("api", "v1").result()).isEqualTo(DeployResult.Result.SUCCEEDED);
            Topology changed = definition.withOverlay(CHANGE).topology();

            ApplyResult applied = env.pipeline().apply(changed, Duration.ofMinutes(2));

            assertThat(applied.rollouts()).as("only api's task definition changed").containsOnlyKeys("api");
            assertThat(applied.rollouts().get("api").result()).as(applied.rollouts().get("api").toString())
                    .isEqualTo(DeployResult.Result.SUCCEEDED);
            TargetGroup tg = env.runtime().loadBalancer().targetGroup("api").config();
            assertThat(tg.deregistrationDelaySeconds()).isEqualTo(40);
            assertThat(tg.healthCheck().intervalSeconds()).isEqualTo(10);
            assertThat(env.service("api").rollingUpdatePolicy()).isEqualTo(new RollingUpdatePolicy(50, 200));
            assertThat(env.service("api").runningTasks()).isNotEmpty().extracting(EcsTask::version).containsOnly("v1");
            ContainerDefinition running = container(env);
            assertThat(running.image()).endsWith(":v1");
            assertThat(environment(running)).containsEntry("APP_ROLE", "api-changed");
            assertThat(env.environment().topology()).isSameAs(changed);
            assertThat(env.environment().plan().changed()).as("a plan after the apply and the deploys").isZero();

            assertThat(env.pipeline().deploy("api", "v2").result()).isEqualTo(DeployResult.Result.SUCCEEDED);
            ContainerDefinition next = container(env);
            assertThat(next.image()).endsWith(":v2");
            assertThat(environment(next)).containsEntry("APP_ROLE", "api-changed");
            assertThat(env.service("api").runningTasks()).extracting(EcsTask::version).containsOnly("v2");
        }
    }

    private static ContainerDefinition container(RunningEnvironment env) {
        var ecs = env.environment().aws().ecs();
        String arn = ecs.describeServices(r -> r.cluster(env.runtime().clusterName()).services(env.runtime().awsServiceName("api")))
                .services().get(0).taskDefinition();
        return ecs.describeTaskDefinition(r -> r.taskDefinition(arn)).taskDefinition().containerDefinitions().get(0);
    }

    private static Map<String, String> environment(ContainerDefinition c) {
        return c.environment().stream().collect(Collectors.toMap(KeyValuePair::name, KeyValuePair::value));
    }
}
