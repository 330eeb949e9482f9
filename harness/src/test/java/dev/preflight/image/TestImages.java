package dev.preflight.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Build contexts made by the tests: a Dockerfile and the files it copies, in a folder of their own. */
public final class TestImages {
    private TestImages() {
    }

    /** Writes {@code files} (name to content) and the Dockerfile into {@code context}; returns the source to build. */
    public static ImageSource context(Path context, String dockerfile, Map<String, String> files) throws IOException {
        Files.createDirectories(context);
        Files.writeString(context.resolve("Dockerfile"), dockerfile);
        for (Map.Entry<String, String> file : files.entrySet()) {
            Path target = context.resolve(file.getKey());
            Files.createDirectories(target.getParent());
            Files.writeString(target, file.getValue());
        }
        return new ImageSource.FromDockerfile(context.resolve("Dockerfile"), context);
    }
}
