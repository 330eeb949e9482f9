package dev.preflight.scenarios.front;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.preflight.deploy.DeployResult;
import dev.preflight.ecs.EcsTask;
import dev.preflight.ecs.ServiceScheduler;
import dev.preflight.engine.Engines;
import dev.preflight.junit.PreflightEnvironment;
import dev.preflight.running.RunningEnvironment;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.waiters.WaiterResponse;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.ecs.model.DescribeServicesResponse;
import software.amazon.awssdk.services.ecs.model.DesiredStatus;
import software.amazon.awssdk.services.ecs.model.ListTasksResponse;
import software.amazon.awssdk.services.ecs.model.Service;
import software.amazon.awssdk.services.ecs.model.Task;
import software.amazon.awssdk.services.ecs.model.TaskStopCode;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetHealthDescription;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetHealthStateEnum;

/**
 * The AWS endpoint users and tasks are given tells what the runtime runs: what a team's deploy
 * script, {@code aws ecs wait services-stable} or a Terratest-style check sees of a rollout, through
 * the real SDK against {@link RunningEnvironment#aws()}.
 */
@PreflightEnvironment
class AwsFrontTest {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void describeServicesTasksAndTargetHealthTellTheRollout(Engines engines) throws Exception {
        try (RunningEnvironment env = RunningEnvironment.of("dev").withProject("front").start(engines)) {
            assertThat(env.awsEndpoint()).isNotEqualTo(env.environment().awsEndpoint());
            assertThat(env.runtime().tasksAwsEndpoint()).as("tasks are given the front").isEqualTo(env.awsEndpoint());
            env.desiredCount("api", 2);
            DeployResult v1 = env.pipeline().deploy("api", "v1");
            assertThat(v1.succeeded()).as(v1.toString()).isTrue();
            EcsClient ecs = env.aws().ecs();
            String cluster = env.runtime().clusterName();
            String service = env.runtime().awsServiceName("api");

            Service api = ecs.describeServices(r -> r.cluster(cluster).services(service)).services().get(0);
            assertThat(api.runningCount()).isEqualTo(2);
            assertThat(api.pendingCount()).isZero();
            assertThat(api.desiredCount()).isEqualTo(2);
            assertThat(api.deployments()).singleElement().satisfies(d -> {
                assertThat(d.status()).isEqualTo("PRIMARY");
                assertThat(d.rolloutStateAsString()).isEqualTo("COMPLETED");
                assertThat(d.runningCount()).isEqualTo(2);
                assertThat(d.taskDefinition()).isEqualTo(api.taskDefinition());
                assertThat(d.createdAt()).isNotNull();
            });
            assertThat(api.events()).extracting(e -> e.message())
                    .contains("(service " + service + ") has reached a steady state.");
            assertThat(api.events().get(0).createdAt()).as("newest first").isAfterOrEqualTo(api.events().get(api.events().size() - 1).createdAt());

            List<String> v1Tasks = ecs.listTasks(r -> r.cluster(cluster).serviceName(service)).taskArns();
            assertThat(v1Tasks).hasSize(2).allSatisfy(arn ->
                    assertThat(arn).matches("arn:aws:ecs:" + env.environment().region() + ":\\d{12}:task/" + cluster + "/[0-9a-f]{32}"));
            ListTasksResponse firstPage = ecs.listTasks(r -> r.cluster(cluster).serviceName(service).maxResults(1));
            assertThat(firstPage.nextToken()).isNotNull();
            assertThat(ecs.listTasksPaginator(r -> r.cluster(cluster).serviceName(service).maxResults(1)).taskArns())
                    .containsExactlyInAnyOrderElementsOf(v1Tasks);

            List<Task> tasks = ecs.describeTasks(r -> r.cluster(cluster).tasks(v1Tasks)).tasks();
            assertThat(tasks).hasSize(2).allSatisfy(t -> {
                assertThat(t.lastStatus()).isEqualTo("RUNNING");
                assertThat(t.desiredStatus()).isEqualTo("RUNNING");
                assertThat(t.healthStatusAsString()).isEqualTo("HEALTHY");
                assertThat(t.group()).isEqualTo("service:" + service);
                assertThat(t.launchTypeAsString()).isEqualTo("FARGATE");
                assertThat(t.startedAt()).isNotNull();
                assertThat(t.containers()).singleElement().satisfies(c -> {
                    assertThat(c.lastStatus()).isEqualTo("RUNNING");
                    assertThat(c.exitCode()).isNull();
                    assertThat(c.networkInterfaces()).singleElement()
                            .satisfies(n -> assertThat(n.privateIpv4Address()).matches("10\\.\\d+\\.\\d+\\.\\d+"));
                });
                assertThat(t.attachments()).singleElement().satisfies(a -> assertThat(a.details())
                        .anySatisfy(d -> assertThat(d.name() + "=" + d.value())
                                .isEqualTo("privateIPv4Address=" + t.containers().get(0).networkInterfaces().get(0).privateIpv4Address())));
            });
            List<String> ips = tasks.stream().map(t -> t.containers().get(0).networkInterfaces().get(0).privateIpv4Address()).toList();
            var missing = ecs.describeTasks(r -> r.cluster(cluster).tasks(v1Tasks.get(0), "0123456789abcdef0123456789abcdef"));
            assertThat(missing.tasks()).hasSize(1);
            assertThat(missing.failures()).singleElement().satisfies(f -> {
                assertThat(f.reason()).isEqualTo("MISSING");
                assertThat(f.arn()).endsWith("/0123456789abcdef0123456789abcdef");
            });

            String targetGroup = env.environment().outputs().get("targetGroup", "api").orElseThrow();
            List<TargetHealthDescription> targets = env.aws().elb().describeTargetHealth(r -> r.targetGroupArn(targetGroup))
                    .targetHealthDescriptions();
            assertThat(targets).hasSize(2).allSatisfy(t -> {
                assertThat(t.targetHealth().state()).isEqualTo(TargetHealthStateEnum.HEALTHY);
                assertThat(t.healthCheckPort()).isEqualTo(String.valueOf(t.target().port()));
            });
            assertThat(targets).extracting(t -> t.target().id()).containsExactlyInAnyOrderElementsOf(ips);

            // A task's own AWS calls go through the front: the app puts an object into its bucket.
            HttpResponse<String> put = HTTP.send(HttpRequest.newBuilder(env.loadBalancer().resolve("/api/media/through-the-front.txt"))
                    .PUT(HttpRequest.BodyPublishers.ofString("hello")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(put.statusCode()).as(put.body()).isBetween(200, 299);
            assertThat(env.environment().aws().s3().getObjectAsBytes(r -> r.bucket(env.environment().bucket("media"))
                    .key("through-the-front.txt")).asUtf8String()).isEqualTo("hello");

            // A forced new deployment through the front; the SDK's own waiter sees the rollout to its end.
            Service updating = ecs.updateService(r -> r.cluster(cluster).service(service).forceNewDeployment(true)).service();
            assertThat(updating.deployments()).extracting(d -> d.status() + " " + d.rolloutStateAsString())
                    .containsExactly("PRIMARY IN_PROGRESS", "ACTIVE COMPLETED");
            WaiterResponse<DescribeServicesResponse> waited = ecs.waiter().waitUntilServicesStable(r -> r.cluster(cluster).services(service),
                    o -> o.maxAttempts(240).backoffStrategyV2(BackoffStrategy.fixedDelayWithoutJitter(Duration.ofMillis(250))));
            var matched = waited.matched();
            assertThat(matched.response()).as("the waiter succeeded").isPresent();
            assertThat(waited.attemptsExecuted()).as("the rollout was under way right after UpdateService").isGreaterThan(1);
            Service stable = matched.response().get().services().get(0);
            assertThat(stable.deployments()).singleElement().satisfies(d -> assertThat(d.status()).isEqualTo("PRIMARY"));
            assertThat(stable.runningCount()).isEqualTo(2);
            List<String> replaced = ecs.listTasks(r -> r.cluster(cluster).serviceName(service)).taskArns();
            assertThat(replaced).hasSize(2).doesNotContainAnyElementsOf(v1Tasks);
            assertThat(ecs.listTasks(r -> r.cluster(cluster).serviceName(service).desiredStatus(DesiredStatus.STOPPED)).taskArns())
                    .containsAll(v1Tasks);

            // A task killed with SIGKILL: STOPPED, exit code 137, ECS's reason and stop code.
            ServiceScheduler scheduler = env.service("api");
            EcsTask victim = scheduler.runningTasks().get(0);
            scheduler.killTask(victim.taskId());
            await("task " + victim.taskId() + " STOPPED through the front").atMost(Duration.ofSeconds(20)).until(() ->
                    ecs.listTasks(r -> r.cluster(cluster).serviceName(service).desiredStatus(DesiredStatus.STOPPED)).taskArns()
                            .contains(victim.taskArn())
                            && ecs.describeTasks(r -> r.cluster(cluster).tasks(victim.taskArn())).tasks().get(0).lastStatus().equals("STOPPED"));
            Task killed = ecs.describeTasks(r -> r.cluster(cluster).tasks(victim.taskArn())).tasks().get(0);
            assertThat(killed.desiredStatus()).isEqualTo("STOPPED");
            assertThat(killed.stoppedReason()).isEqualTo("Essential container in task exited");
            assertThat(killed.stopCode()).isEqualTo(TaskStopCode.ESSENTIAL_CONTAINER_EXITED);
            assertThat(killed.stoppedAt()).isNotNull();
            assertThat(killed.containers().get(0).exitCode()).isEqualTo(137);
            assertThat(killed.containers().get(0).lastStatus()).isEqualTo("STOPPED");
        }
    }

    @Test
    void callsTheFrontDoesNotAnswerPassThroughUnchanged(@PreflightEnvironment RunningEnvironment env) {
        var front = env.aws();
        var engine = env.environment().aws();
        assertThat(front.ecs().listClusters().clusterArns()).isEqualTo(engine.ecs().listClusters().clusterArns())
                .contains(env.runtime().clusterArn());
        assertThat(front.s3().listBuckets().buckets()).extracting(b -> b.name())
                .isEqualTo(engine.s3().listBuckets().buckets().stream().map(b -> b.name()).toList());
        assertThat(front.elb().describeTargetGroups().targetGroups()).extracting(g -> g.targetGroupArn())
                .isEqualTo(engine.elb().describeTargetGroups().targetGroups().stream().map(g -> g.targetGroupArn()).toList());

        // Bodies stream both ways (the SDK's chunked, checksummed upload included).
        String bucket = env.environment().bucket("media");
        String key = "front-pass-through/" + System.nanoTime() + ".bin";
        byte[] body = new byte[3 * 1024 * 1024 + 17];
        new java.util.Random(7).nextBytes(body);
        try {
            front.s3().putObject(r -> r.bucket(bucket).key(key), RequestBody.fromBytes(body));
            assertThat(engine.s3().getObjectAsBytes(r -> r.bucket(bucket).key(key)).asByteArray()).isEqualTo(body);
            assertThat(front.s3().getObjectAsBytes(r -> r.bucket(bucket).key(key)).asByteArray()).isEqualTo(body);
        } finally {
            engine.s3().deleteObject(r -> r.bucket(bucket).key(key));
        }

        // What the runtime does not run is the engine's to answer, errors included.
        var unknownCluster = org.assertj.core.api.Assertions.catchThrowable(() ->
                front.ecs().describeServices(r -> r.cluster("no-such-cluster").services("api")));
        assertThat(unknownCluster).isInstanceOf(software.amazon.awssdk.services.ecs.model.ClusterNotFoundException.class);
        assertThat(org.assertj.core.api.Assertions.catchThrowable(() -> front.ecs().listTasks(r -> r.cluster("no-such-cluster"))))
                .isInstanceOf(software.amazon.awssdk.services.ecs.model.ClusterNotFoundException.class);
        URI endpoint = env.awsEndpoint();
        assertThat(endpoint.getHost()).isEqualTo("127.0.0.1");
    }
}
