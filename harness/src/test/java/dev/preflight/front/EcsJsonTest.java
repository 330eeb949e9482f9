package dev.preflight.front;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.preflight.ecs.ServiceEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The shapes of ECS's JSON 1.1 the front writes itself. */
class EcsJsonTest {
    private static final String CLUSTER = "arn:aws:ecs:eu-west-1:123456789012:cluster/shop-dev-main";
    private static final String TASK = "arn:aws:ecs:eu-west-1:123456789012:task/shop-dev-main/0123456789abcdef0123456789abcdef";
    private static final Instant T0 = Instant.parse("2026-01-02T03:04:05.678Z");

    @Test
    void datesAreEpochSecondsWithAFraction() {
        String json = EcsJson.write(EcsJson.object().put("createdAt", EcsJson.epochSeconds(T0)));

        assertThat(json).isEqualTo("{\"createdAt\":" + T0.getEpochSecond() + ".678}");
    }

    @Test
    void eventsAreServiceEventsNewestFirstWithTheServicesAwsNameAndStableIds() {
        List<ServiceEvent> events = List.of(
                new ServiceEvent(T0, ServiceEvent.DEPLOYMENT_IN_PROGRESS, "deployment ecs-svc/1 of api:2 started: ..."),
                new ServiceEvent(T0.plusSeconds(1), ServiceEvent.SERVICE, "(service api) has started 1 tasks: (task abc)."),
                new ServiceEvent(T0.plusSeconds(2), ServiceEvent.DEADLINE, "stopTimeout 30 s (real time) of task abc ran out"),
                new ServiceEvent(T0.plusSeconds(3), ServiceEvent.DEPLOYMENT_COMPLETED, "(service api) (deployment ecs-svc/1) deployment completed."),
                new ServiceEvent(T0.plusSeconds(4), ServiceEvent.STEADY_STATE, "(service api) has reached a steady state."));

        ArrayNode json = EcsJson.events("arn:svc", events, "api", "shop-dev-api");

        assertThat(json).extracting(e -> e.get("message").asText()).containsExactly(
                "(service shop-dev-api) has reached a steady state.",
                "(service shop-dev-api) (deployment ecs-svc/1) deployment completed.",
                "(service shop-dev-api) has started 1 tasks: (task abc).");
        assertThat(json.get(0).get("createdAt").decimalValue()).isEqualByComparingTo(EcsJson.epochSeconds(T0.plusSeconds(4)));
        assertThat(json.get(0).get("id").asText()).matches("[0-9a-f-]{36}")
                .isEqualTo(EcsJson.events("arn:svc", events, "api", "shop-dev-api").get(0).get("id").asText());
        assertThat(json.get(0).size()).as("id, createdAt, message").isEqualTo(3);
    }

    @Test
    void atMostTheHundredNewestEventsAreKept() {
        List<ServiceEvent> events = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            events.add(new ServiceEvent(T0.plusSeconds(i), ServiceEvent.SERVICE, "event " + i));
        }

        ArrayNode json = EcsJson.events("arn:svc", events, "api", "shop-dev-api");

        assertThat(json).hasSize(EcsJson.MAX_EVENTS);
        assertThat(json.get(0).get("message").asText()).isEqualTo("event 149");
        assertThat(json.get(99).get("message").asText()).isEqualTo("event 50");
    }

    @Test
    void aRunningTaskHasItsContainerAndNetworkInterfaceAndNoStopFields() {
        TaskView running = new TaskView("0123456789abcdef0123456789abcdef", TASK, CLUSTER,
                "arn:aws:ecs:eu-west-1:123456789012:task-definition/shop-dev-api:3", "service:shop-dev-api", "ecs-svc/42",
                "RUNNING", "RUNNING", "HEALTHY", T0, T0.plusSeconds(1), null, null, null, null, "512", "1024",
                new TaskView.Container("api", "123456789012.dkr.ecr.eu-west-1.amazonaws.com/shop-dev-api:v1", "RUNNING", null, null,
                        "HEALTHY"),
                new TaskView.NetworkInterface("10.0.10.14", "subnet-1", "ATTACHED"));

        JsonNode json = EcsJson.task(running, false);

        assertThat(json.get("taskArn").asText()).isEqualTo(TASK);
        assertThat(json.get("clusterArn").asText()).isEqualTo(CLUSTER);
        assertThat(json.get("group").asText()).isEqualTo("service:shop-dev-api");
        assertThat(json.get("launchType").asText()).isEqualTo("FARGATE");
        assertThat(json.get("lastStatus").asText()).isEqualTo("RUNNING");
        assertThat(json.get("healthStatus").asText()).isEqualTo("HEALTHY");
        assertThat(json.get("startedAt").isNumber()).isTrue();
        assertThat(json.has("stoppedAt")).isFalse();
        assertThat(json.has("stopCode")).isFalse();
        assertThat(json.has("tags")).isFalse();
        JsonNode container = json.get("containers").get(0);
        assertThat(container.get("containerArn").asText())
                .startsWith("arn:aws:ecs:eu-west-1:123456789012:container/shop-dev-main/0123456789abcdef0123456789abcdef/");
        assertThat(container.has("exitCode")).isFalse();
        assertThat(container.get("networkInterfaces").get(0).get("privateIpv4Address").asText()).isEqualTo("10.0.10.14");
        JsonNode attachment = json.get("attachments").get(0);
        assertThat(attachment.get("type").asText()).isEqualTo("ElasticNetworkInterface");
        assertThat(attachment.get("status").asText()).isEqualTo("ATTACHED");
        assertThat(attachment.get("id").asText()).isEqualTo(container.get("networkInterfaces").get(0).get("attachmentId").asText());
        assertThat(attachment.get("details")).extracting(d -> d.get("name").asText() + "=" + d.get("value").asText())
                .contains("subnetId=subnet-1", "privateIPv4Address=10.0.10.14",
                        "privateDnsName=ip-10-0-10-14.eu-west-1.compute.internal");
    }

    @Test
    void aStoppedTaskHasItsStopFieldsAndTheContainersExitCode() {
        TaskView stopped = new TaskView("0123456789abcdef0123456789abcdef", TASK, CLUSTER, "td", "service:s", "ecs-svc/42",
                "STOPPED", "STOPPED", "UNKNOWN", T0, T0.plusSeconds(1), T0.plusSeconds(5), T0.plusSeconds(6),
                "Essential container in task exited", "EssentialContainerExited", null, null,
                new TaskView.Container("api", "image", "STOPPED", 137, null, "UNKNOWN"),
                new TaskView.NetworkInterface("10.0.10.14", null, "DELETED"));

        JsonNode json = EcsJson.task(stopped, true);

        assertThat(json.get("stoppedReason").asText()).isEqualTo("Essential container in task exited");
        assertThat(json.get("stopCode").asText()).isEqualTo("EssentialContainerExited");
        assertThat(json.get("stoppingAt").decimalValue()).isEqualByComparingTo(EcsJson.epochSeconds(T0.plusSeconds(5)));
        assertThat(json.get("containers").get(0).get("exitCode").asInt()).isEqualTo(137);
        assertThat(json.get("tags").isArray()).isTrue();
        assertThat(json.get("attachments").get(0).get("details")).extracting(d -> d.get("name").asText()).doesNotContain("subnetId");
    }

    @Test
    void aDeploymentHasItsCountsRolloutStateAndLaunchType() {
        JsonNode json = EcsJson.deployment(new DeploymentView("ecs-svc/42", "PRIMARY", "td", 2, 1, 1, 3, T0, T0.plusSeconds(9),
                "IN_PROGRESS", "ECS deployment ecs-svc/42 in progress."), null);

        assertThat(EcsJson.write(json)).isEqualTo("{\"id\":\"ecs-svc/42\",\"status\":\"PRIMARY\",\"taskDefinition\":\"td\","
                + "\"desiredCount\":2,\"pendingCount\":1,\"runningCount\":1,\"failedTasks\":3,\"createdAt\":" + T0.getEpochSecond()
                + ".678,\"updatedAt\":" + (T0.getEpochSecond() + 9) + ".678,\"launchType\":\"FARGATE\",\"rolloutState\":\"IN_PROGRESS\","
                + "\"rolloutStateReason\":\"ECS deployment ecs-svc/42 in progress.\"}");
    }

    @Test
    void errorsCarryTheirTypeAsEcsDoes() {
        HttpAnswer error = HttpAnswer.ecsError("InvalidParameterException", "maxResults must be between 1 and 100");

        assertThat(error.status()).isEqualTo(400);
        assertThat(error.headers().get("X-Amzn-ErrorType")).isEqualTo("InvalidParameterException");
        assertThat(new String(error.body(), StandardCharsets.UTF_8))
                .isEqualTo("{\"__type\":\"InvalidParameterException\",\"message\":\"maxResults must be between 1 and 100\"}");
    }

    @Test
    void listTaskCursorsRoundTripAndBadTokensAreRefused() {
        EcsAnswers.Cursor cursor = new EcsAnswers.Cursor(1_767_323_045_678_000_000L, TASK);

        assertThat(EcsAnswers.Cursor.decode(cursor.encode())).isEqualTo(cursor);
        assertThat(EcsAnswers.Cursor.decode("not a token!")).isNull();
        assertThat(EcsAnswers.Cursor.decode("bm90aGluZw")).isNull();
    }

    @Test
    void theFamilyIsReadFromATaskDefinitionArn() {
        assertThat(EcsAnswers.family("arn:aws:ecs:eu-west-1:123456789012:task-definition/shop-dev-api:12")).isEqualTo("shop-dev-api");
    }
}
