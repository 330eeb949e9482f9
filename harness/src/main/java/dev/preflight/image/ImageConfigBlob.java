package dev.preflight.image;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The config blob of an image in Docker's shape ({@code config.Entrypoint}, {@code config.Env} as
 * {@code NAME=value}, {@code config.Labels}, {@code rootfs.diff_ids}), without the creation time
 * Docker adds: a rebuild of the same inputs must give the same digest.
 */
final class ImageConfigBlob {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ImageConfigBlob() {
    }

    static byte[] serialize(ImageConfig config, List<String> layerDigests) {
        ObjectNode root = JSON.createObjectNode();
        root.put("architecture", "amd64");
        root.put("os", "linux");
        ObjectNode c = root.putObject("config");
        ArrayNode entrypoint = c.putArray("Entrypoint");
        config.entrypoint().forEach(entrypoint::add);
        ArrayNode env = c.putArray("Env");
        config.env().forEach((k, v) -> env.add(k + "=" + v)); // sorted by ImageConfig
        ObjectNode labels = c.putObject("Labels");
        config.labels().forEach(labels::put);
        ObjectNode rootfs = root.putObject("rootfs");
        rootfs.put("type", "layers");
        ArrayNode diffIds = rootfs.putArray("diff_ids");
        layerDigests.forEach(diffIds::add);
        try {
            return JSON.writeValueAsBytes(root);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot serialize an image config", e);
        }
    }

    static ImageConfig parse(byte[] blob) {
        try {
            JsonNode c = JSON.readTree(blob).path("config");
            List<String> entrypoint = new ArrayList<>();
            c.path("Entrypoint").forEach(e -> entrypoint.add(e.asText()));
            Map<String, String> env = new LinkedHashMap<>();
            c.path("Env").forEach(e -> {
                String pair = e.asText();
                int eq = pair.indexOf('=');
                env.put(eq < 0 ? pair : pair.substring(0, eq), eq < 0 ? "" : pair.substring(eq + 1));
            });
            Map<String, String> labels = new LinkedHashMap<>();
            c.path("Labels").properties().forEach(e -> labels.put(e.getKey(), e.getValue().asText()));
            return new ImageConfig(entrypoint, env, labels);
        } catch (IOException e) {
            throw new IllegalArgumentException("Image config blob is not valid JSON: " + e.getMessage(), e);
        }
    }
}
