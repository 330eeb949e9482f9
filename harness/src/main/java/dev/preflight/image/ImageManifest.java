package dev.preflight.image;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An OCI image manifest (schema version 2): the config blob, the layers (uncompressed tars) and the
 * annotations, among them the base image a Dockerfile's FROM names ({@value #BASE_NAME}). Serialized
 * compactly with fields in a fixed order, so the same image always has the same bytes and so the same digest.
 */
record ImageManifest(Descriptor config, List<Descriptor> layers, Map<String, String> annotations) {
    static final String MEDIA_TYPE = "application/vnd.oci.image.manifest.v1+json";
    static final String DOCKER_MEDIA_TYPE = "application/vnd.docker.distribution.manifest.v2+json";
    static final String CONFIG_MEDIA_TYPE = "application/vnd.oci.image.config.v1+json";
    static final String LAYER_MEDIA_TYPE = "application/vnd.oci.image.layer.v1.tar";
    /** The OCI annotation for the image a build started FROM. */
    static final String BASE_NAME = "org.opencontainers.image.base.name";
    /** The Docker image id of an image built with Docker, whose layers the Docker engine holds: the store has its manifest and config only. */
    static final String LAYERS_IN_DOCKER = "dev.preflight.layers-in-docker";

    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a manifest says about one blob. */
    record Descriptor(String mediaType, long size, String digest) {
    }

    ImageManifest {
        layers = List.copyOf(layers);
        annotations = annotations == null ? Map.of() : new TreeMap<>(annotations);
    }

    boolean layersInDocker() {
        return annotations.containsKey(LAYERS_IN_DOCKER);
    }

    String dockerImageId() {
        return annotations.get(LAYERS_IN_DOCKER);
    }

    String baseImage() {
        return annotations.get(BASE_NAME);
    }

    String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("schemaVersion", 2);
        root.put("mediaType", MEDIA_TYPE);
        root.set("config", descriptor(config));
        ArrayNode array = root.putArray("layers");
        layers.forEach(layer -> array.add(descriptor(layer)));
        if (!annotations.isEmpty()) {
            ObjectNode node = root.putObject("annotations");
            annotations.forEach(node::put);
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot serialize a manifest", e);
        }
    }

    private static ObjectNode descriptor(Descriptor d) {
        ObjectNode node = JSON.createObjectNode();
        node.put("mediaType", d.mediaType());
        node.put("size", d.size());
        node.put("digest", d.digest());
        return node;
    }

    static ImageManifest parse(String json) {
        try {
            JsonNode root = JSON.readTree(json);
            if (root.path("schemaVersion").asInt() != 2 || !root.path("config").isObject()) {
                throw new IllegalArgumentException("not a schema 2 image manifest (schemaVersion 2 with a config): " + abbreviate(json));
            }
            List<Descriptor> layers = new ArrayList<>();
            root.path("layers").forEach(layer -> layers.add(descriptor(layer)));
            Map<String, String> annotations = new LinkedHashMap<>();
            root.path("annotations").properties().forEach(e -> annotations.put(e.getKey(), e.getValue().asText()));
            return new ImageManifest(descriptor(root.get("config")), layers, annotations);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Image manifest is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static Descriptor descriptor(JsonNode node) {
        return new Descriptor(node.path("mediaType").asText(), node.path("size").asLong(),
                Sha256.requireValid(node.path("digest").asText(null), "Manifest descriptor digest"));
    }

    private static String abbreviate(String s) {
        return s.length() <= 200 ? s : s.substring(0, 200) + "...";
    }
}
