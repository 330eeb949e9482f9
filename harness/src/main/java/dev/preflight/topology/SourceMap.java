package dev.preflight.topology;

import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.List;

/**
 * Tells which file a value of the merged topology came from: the overlay when it sets the path,
 * otherwise the base. Paths are dotted with list indices, e.g. {@code loadBalancer.listener.rules[1].priority}.
 */
public final class SourceMap {
    private final Path baseFile;
    private final Path overlayFile;
    private final JsonNode overlay;

    public SourceMap(Path baseFile, Path overlayFile, JsonNode overlay) {
        this.baseFile = baseFile;
        this.overlayFile = overlayFile;
        this.overlay = overlay;
    }

    SourceMap baseOnly() {
        return new SourceMap(baseFile, overlayFile, null);
    }

    public Path baseFile() {
        return baseFile;
    }

    public Path overlayFile() {
        return overlayFile;
    }

    public Path fileFor(String path) {
        if (overlay == null || path.isEmpty()) {
            return baseFile;
        }
        JsonNode node = overlay;
        for (String part : path.split("\\.")) {
            String key = part.replaceAll("\\[\\d+]", "");
            node = node.get(key);
            if (node == null) {
                return baseFile;
            }
            if (part.contains("[")) {
                // Lists are replaced whole by an overlay: an overlay list is the overlay's.
                return overlayFile;
            }
        }
        return overlayFile;
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
