package dev.preflight.topology.cloudformation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The Docker image assets of a CDK stack ({@code <Stack>.assets.json} in cdk.out): each image's
 * build folder ({@code asset.<hash>}, a copy of the context CDK made at synth) and Dockerfile, found
 * by the tag CDK gives the image in the task definition (the asset's hash).
 */
final class CdkAssets {
    /** @param directory the build context, relative to the cdk.out folder */
    record DockerImage(String hash, String directory, String dockerfile) {
    }

    static final CdkAssets NONE = new CdkAssets(Map.of());

    private final Map<String, DockerImage> images;

    private CdkAssets(Map<String, DockerImage> images) {
        this.images = images;
    }

    static CdkAssets read(Path assetsFile) {
        if (assetsFile == null || !Files.isRegularFile(assetsFile)) {
            return NONE;
        }
        try {
            JsonNode root = new ObjectMapper().readTree(assetsFile.toFile());
            Map<String, DockerImage> images = new LinkedHashMap<>();
            root.path("dockerImages").fields().forEachRemaining(e -> {
                JsonNode source = e.getValue().path("source");
                images.put(e.getKey(), new DockerImage(e.getKey(), source.path("directory").asText(),
                        source.path("dockerFile").isMissingNode() ? null : source.path("dockerFile").asText()));
            });
            return new CdkAssets(images);
        } catch (IOException e) {
            throw new TemplateProblem(assetsFile.getFileName().toString(), "cannot read the asset manifest: " + e.getMessage(),
                    "synthesize the app again");
        }
    }

    /** The asset an image URI names by its tag ({@code ...container-assets-...:<hash>}). */
    Optional<DockerImage> imageFor(String uri) {
        int colon = uri.lastIndexOf(':');
        return colon < 0 ? Optional.empty() : Optional.ofNullable(images.get(uri.substring(colon + 1)));
    }
}
