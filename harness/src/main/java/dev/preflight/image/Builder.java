package dev.preflight.image;

import java.util.Map;

/** Builds a service's image from its source: without Docker ({@link ImageBuilder}) or with it ({@link DockerImageBuilder}). */
public interface Builder {
    /**
     * Builds and stores the image, with {@code env} on top of the image's own ENV (as a last ENV line);
     * throws {@link ImageBuildException} naming the file (and line) it cannot build from.
     */
    Image build(ImageSource source, Map<String, String> env);
}
