package dev.preflight.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The config blob of an image in the OCI (and Docker) shape: {@code config.Entrypoint}, {@code Cmd},
 * {@code Env} as {@code NAME=value}, {@code WorkingDir}, {@code User}, {@code ExposedPorts},
 * {@code Healthcheck} (durations in nanoseconds), {@code StopSignal}, {@code Labels}, and
 * {@code rootfs.diff_ids}; empty fields are left out and so is the creation time Docker adds: a rebuild of
 * the same inputs must give the same digest.
 */
final class ImageConfigBlob {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ImageConfigBlob() {
    }

    static byte[] serialize(ImageConfig config, List<String> diffIds) {
        ObjectNode root = JSON.createObjectNode();
        root.put("architecture", "amd64");
        root.put("os", "linux");
        ObjectNode c = root.putObject("config");
        if (config.user() != null) {
            c.put("User", config.user());
        }
        if (!config.exposedPorts().isEmpty()) {
            ObjectNode ports = c.putObject("ExposedPorts");
            config.exposedPorts().forEach(p -> ports.putObject(p));
        }
        if (!config.env().isEmpty()) {
            ArrayNode env = c.putArray("Env");
            config.env().forEach((k, v) -> env.add(k + "=" + v)); // sorted by ImageConfig
        }
        strings(c, "Entrypoint", config.entrypoint());
        strings(c, "Cmd", config.cmd());
        ImageConfig.HealthCheck check = config.healthCheck();
        if (check != null) {
            ObjectNode h = c.putObject("Healthcheck");
            strings(h, "Test", check.test());
            nanos(h, "Interval", check.interval());
            nanos(h, "Timeout", check.timeout());
            nanos(h, "StartPeriod", check.startPeriod());
            nanos(h, "StartInterval", check.startInterval());
            if (check.retries() != null) {
                h.put("Retries", check.retries());
            }
        }
        c.put("WorkingDir", config.workingDir());
        if (!config.labels().isEmpty()) {
            ObjectNode labels = c.putObject("Labels");
            config.labels().forEach(labels::put);
        }
        if (config.stopSignal() != null) {
            c.put("StopSignal", config.stopSignal());
        }
        ObjectNode rootfs = root.putObject("rootfs");
        rootfs.put("type", "layers");
        ArrayNode ids = rootfs.putArray("diff_ids");
        diffIds.forEach(ids::add);
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot serialize an image config", e);
        }
    }

    static ImageConfig parse(byte[] blob) {
        try {
            JsonNode c = JSON.readTree(blob).path("config");
            Map<String, String> env = new LinkedHashMap<>();
            c.path("Env").forEach(e -> {
                String pair = e.asText();
                int eq = pair.indexOf('=');
                env.put(eq < 0 ? pair : pair.substring(0, eq), eq < 0 ? "" : pair.substring(eq + 1));
            });
            Map<String, String> labels = new LinkedHashMap<>();
            c.path("Labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
            List<String> ports = new ArrayList<>();
            c.path("ExposedPorts").fieldNames().forEachRemaining(ports::add);
            JsonNode h = c.path("Healthcheck");
            ImageConfig.HealthCheck check = h.isObject() ? new ImageConfig.HealthCheck(strings(h.path("Test")), duration(h, "Interval"),
                    duration(h, "Timeout"), duration(h, "StartPeriod"), duration(h, "StartInterval"),
                    h.has("Retries") ? h.path("Retries").asInt() : null) : null;
            return new ImageConfig(strings(c.path("Entrypoint")), strings(c.path("Cmd")), env, c.path("WorkingDir").asText(null),
                    c.path("User").asText(null), ports, check, c.path("StopSignal").asText(null), labels);
        } catch (IOException e) {
            throw new IllegalArgumentException("Image config blob is not valid JSON: " + e.getMessage(), e);
        }
    }

    private static void strings(ObjectNode node, String field, List<String> values) {
        if (!values.isEmpty()) {
            ArrayNode array = node.putArray(field);
            values.forEach(array::add);
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(e -> out.add(e.asText()));
        return out;
    }

    private static void nanos(ObjectNode node, String field, Duration d) {
        if (d != null) {
            node.put(field, d.toNanos());
        }
    }

    private static Duration duration(JsonNode node, String field) {
        return node.has(field) ? Duration.ofNanos(node.path(field).asLong()) : null;
    }
}
