package dev.preflight.image;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/** What an image is built from: a Dockerfile and its build context, or the process form. */
public sealed interface ImageSource {
    /** {@code docker build -f <dockerfile> <context>}. */
    record FromDockerfile(Path dockerfile, Path context) implements ImageSource {
        public FromDockerfile {
            Objects.requireNonNull(dockerfile, "dockerfile");
            Objects.requireNonNull(context, "context");
        }
    }

    /**
     * A process of this machine: {@code command} run in the image's root, whose files are those of
     * {@code workingDir} that match {@code files} (every file when the list is empty).
     */
    record FromProcess(List<String> command, Path workingDir, List<String> files) implements ImageSource {
        public FromProcess {
            command = List.copyOf(command);
            Objects.requireNonNull(workingDir, "workingDir");
            files = files == null ? List.of() : List.copyOf(files);
            if (command.isEmpty()) {
                throw new IllegalArgumentException("The process form needs a command, e.g. [node, server.js]");
            }
        }
    }
}
