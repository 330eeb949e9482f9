package dev.preflight.front;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.preflight.ecs.ServiceEvent;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * ECS's JSON 1.1 wire format for what the front answers itself. Dates are epoch seconds with a
 * fraction (what the SDKs parse); absent values are left out.
 */
final class EcsJson {
    static final ObjectMapper MAPPER = new ObjectMapper().enable(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
    /** ECS keeps a service's 100 most recent events. */
    static final int MAX_EVENTS = 100;
    /** The runtime's events that are ECS service events; deployment-started notes and Preflight's deadlines are not. */
    static final Set<String> SERVICE_EVENT_TYPES = Set.of(ServiceEvent.SERVICE, ServiceEvent.STEADY_STATE,
            ServiceEvent.DEPLOYMENT_COMPLETED, ServiceEvent.DEPLOYMENT_FAILED);

    private EcsJson() {
    }

    static BigDecimal epochSeconds(Instant at) {
        return BigDecimal.valueOf(at.toEpochMilli(), 3);
    }

    static ObjectNode object() {
        return MAPPER.createObjectNode();
    }

    static JsonNode parse(byte[] body) {
        try {
            JsonNode node = MAPPER.readTree(body.length == 0 ? "{}".getBytes(StandardCharsets.UTF_8) : body);
            return node == null || !node.isObject() ? object() : node;
        } catch (java.io.IOException e) {
            return null;
        }
    }

    static String write(JsonNode node) {
        try {
            return MAPPER.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** ECS's error body; the type also goes in the X-Amzn-ErrorType header. */
    static String error(String type, String message) {
        return write(object().put("__type", type).put("message", message));
    }

    static ObjectNode deployment(DeploymentView d, JsonNode networkConfiguration) {
        ObjectNode json = object()
                .put("id", d.id())
                .put("status", d.status())
                .put("taskDefinition", d.taskDefinition())
                .put("desiredCount", d.desiredCount())
                .put("pendingCount", d.pendingCount())
                .put("runningCount", d.runningCount())
                .put("failedTasks", d.failedTasks())
                .put("createdAt", epochSeconds(d.createdAt()))
                .put("updatedAt", epochSeconds(d.updatedAt()))
                .put("launchType", "FARGATE")
                .put("rolloutState", d.rolloutState());
        putIfPresent(json, "rolloutStateReason", d.rolloutStateReason());
        if (networkConfiguration != null && !networkConfiguration.isMissingNode() && !networkConfiguration.isNull()) {
            json.set("networkConfiguration", networkConfiguration);
        }
        return json;
    }

    /**
     * A service's events as DescribeServices gives them: newest first, at most 100, each
     * {@code {id, createdAt, message}}, with the service's AWS name where the runtime says its topology
     * name. Ids are stable: the same event has the same id in every answer.
     */
    static ArrayNode events(String serviceArn, List<ServiceEvent> events, String topologyName, String awsName) {
        ArrayNode json = MAPPER.createArrayNode();
        for (int i = events.size() - 1; i >= 0 && json.size() < MAX_EVENTS; i--) {
            ServiceEvent event = events.get(i);
            if (!SERVICE_EVENT_TYPES.contains(event.type())) {
                continue;
            }
            json.add(object()
                    .put("id", UUID.nameUUIDFromBytes((serviceArn + "#" + i).getBytes(StandardCharsets.UTF_8)).toString())
                    .put("createdAt", epochSeconds(event.at()))
                    .put("message", event.message().replace("(service " + topologyName + ")", "(service " + awsName + ")")));
        }
        return json;
    }

    static ObjectNode task(TaskView t, boolean withTags) {
        String region = t.taskArn().split(":")[3];
        ObjectNode json = object()
                .put("taskArn", t.taskArn())
                .put("clusterArn", t.clusterArn())
                .put("taskDefinitionArn", t.taskDefinitionArn())
                .put("group", t.group())
                .put("launchType", "FARGATE")
                .put("platformVersion", "1.4.0")
                .put("platformFamily", "Linux")
                .put("lastStatus", t.lastStatus())
                .put("desiredStatus", t.desiredStatus())
                .put("healthStatus", t.healthStatus())
                .put("connectivity", "CONNECTED");
        putIfPresent(json, "startedBy", t.startedBy());
        putIfPresent(json, "cpu", t.cpu());
        putIfPresent(json, "memory", t.memory());
        putIfPresent(json, "createdAt", t.createdAt());
        putIfPresent(json, "startedAt", t.startedAt());
        putIfPresent(json, "stoppingAt", t.stoppingAt());
        putIfPresent(json, "stoppedAt", t.stoppedAt());
        putIfPresent(json, "stoppedReason", t.stoppedReason());
        putIfPresent(json, "stopCode", t.stopCode());

        String attachmentId = UUID.nameUUIDFromBytes(("attachment/" + t.taskId()).getBytes(StandardCharsets.UTF_8)).toString();
        TaskView.Container c = t.container();
        ObjectNode container = object()
                .put("containerArn", t.taskArn().replace(":task/", ":container/") + "/"
                        + UUID.nameUUIDFromBytes((t.taskId() + "/" + c.name()).getBytes(StandardCharsets.UTF_8)))
                .put("taskArn", t.taskArn())
                .put("name", c.name())
                .put("image", c.image())
                .put("lastStatus", c.lastStatus())
                .put("healthStatus", c.healthStatus());
        if (c.exitCode() != null) {
            container.put("exitCode", c.exitCode());
        }
        putIfPresent(container, "reason", c.reason());
        putIfPresent(container, "cpu", t.cpu());
        putIfPresent(container, "memory", t.memory());
        container.set("networkBindings", MAPPER.createArrayNode());
        container.putArray("networkInterfaces").add(object()
                .put("attachmentId", attachmentId)
                .put("privateIpv4Address", t.eni().privateIp()));
        json.putArray("containers").add(container);

        ArrayNode details = MAPPER.createArrayNode();
        if (t.eni().subnetId() != null) {
            details.add(detail("subnetId", t.eni().subnetId()));
        }
        details.add(detail("networkInterfaceId", "eni-" + t.taskId().substring(0, Math.min(17, t.taskId().length()))));
        details.add(detail("privateDnsName", "ip-" + t.eni().privateIp().replace('.', '-') + "." + region + ".compute.internal"));
        details.add(detail("privateIPv4Address", t.eni().privateIp()));
        json.putArray("attachments").add(object()
                .put("id", attachmentId)
                .put("type", "ElasticNetworkInterface")
                .put("status", t.eni().status())
                .set("details", details));
        if (withTags) {
            json.putArray("tags");
        }
        return json;
    }

    private static ObjectNode detail(String name, String value) {
        return object().put("name", name).put("value", value);
    }

    private static void putIfPresent(ObjectNode json, String field, String value) {
        if (value != null) {
            json.put(field, value);
        }
    }

    private static void putIfPresent(ObjectNode json, String field, Instant value) {
        if (value != null) {
            json.put(field, epochSeconds(value));
        }
    }
}
