package dev.preflight.topology;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;

/**
 * Tells which file a value of the merged topology came from: the last overlay that sets the path
 * (scenario overlays come after the environment's), otherwise the base. Paths are dotted with list
 * indices, e.g. {@code loadBalancer.listener.rules[1].priority}.
 */
public final class SourceMap {
    /** One overlay: its file (or inline name) and its tree. */
    record Layer(Path file, JsonNode tree) {
    }

    private final Path baseFile;
    private final Path overlayFile;
    private final List<Layer> layers;

    public SourceMap(Path baseFile, Path overlayFile, JsonNode overlay) {
        this(baseFile, overlayFile, overlay == null ? List.of() : List.of(new Layer(overlayFile, overlay)));
    }

    private SourceMap(Path baseFile, Path overlayFile, List<Layer> layers) {
        this.baseFile = baseFile;
        this.overlayFile = overlayFile;
        this.layers = List.copyOf(layers);
    }

    SourceMap baseOnly() {
        return new SourceMap(baseFile, overlayFile, List.of());
    }

    /** This map with one more overlay on top. */
    SourceMap with(Path file, JsonNode tree) {
        List<Layer> more = new java.util.ArrayList<>(layers);
        more.add(new Layer(file, tree));
        return new SourceMap(baseFile, overlayFile, more);
    }

    public Path baseFile() {
        return baseFile;
    }

    /** The environment's overlay file. */
    public Path overlayFile() {
        return overlayFile;
    }

    public Path fileFor(String path) {
        if (path.isEmpty()) {
            return baseFile;
        }
        for (int i = layers.size() - 1; i >= 0; i--) {
            if (sets(layers.get(i).tree(), path)) {
                return layers.get(i).file();
            }
        }
        return baseFile;
    }

    private static boolean sets(JsonNode tree, String path) {
        JsonNode node = tree;
        for (String part : path.split("\\.")) {
            String key = part.replaceAll("\\[\\d+]", "");
            node = node.get(key);
            if (node == null) {
                return false;
            }
            if (part.contains("[")) {
                return true; // lists are replaced whole by an overlay: an overlay list is the overlay's
            }
        }
        return true;
    }

    static String pathOf(List<JsonMappingException.Reference> references) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : references) {
            if (ref.getFieldName() != null) {
                if (path.length() > 0) {
                    path.append('.');
                }
                path.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }
}
