package dev.preflight.topology.cloudformation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A template read into Preflight's model: the topology tree (the shape of base.yaml), what became of
 * each resource, and which logical id each model path came from (so that the validator's messages name it).
 *
 * @param template the template file (in a cdk.out, the stack's template)
 * @param baseDir  the folder build contexts are relative to (the template's, or the cdk.out)
 */
public record TemplateRead(String stack, Path template, Path baseDir, ObjectNode tree, List<ResourceFate> fates, Map<String, String> origins) {
    public TemplateRead {
        fates = List.copyOf(fates);
        origins = Map.copyOf(origins);
    }

    /** The logical id a model path (e.g. {@code ecs.services.api.autoscaling.min}) came from, the longest known prefix's. */
    public String originOf(String path) {
        String best = null;
        int length = -1;
        for (Map.Entry<String, String> e : origins.entrySet()) {
            String p = e.getKey();
            if ((path.equals(p) || path.startsWith(p + ".") || path.startsWith(p + "[")) && p.length() > length) {
                best = e.getValue();
                length = p.length();
            }
        }
        return best;
    }
}
