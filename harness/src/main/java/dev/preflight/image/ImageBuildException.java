package dev.preflight.image;

import java.nio.file.Path;

/**
 * An image that cannot be built without Docker, or a Dockerfile Preflight cannot honour: the message
 * names the file, the line (when there is one), what is wrong and the way out.
 */
public class ImageBuildException extends RuntimeException {
    private final Path file;
    private final int line;

    public ImageBuildException(Path file, int line, String problem, String fix) {
        this(file, line, problem, fix, null);
    }

    public ImageBuildException(Path file, int line, String problem, String fix, Throwable cause) {
        super(file + (line > 0 ? ":" + line : "") + ": " + problem + (fix == null ? "" : ". Fix: " + fix), cause);
        this.file = file;
        this.line = line;
    }

    /** The Dockerfile, or the folder or file the build could not use. */
    public Path file() {
        return file;
    }

    /** The Dockerfile's line (1-based), or 0 when the problem is not on one line. */
    public int line() {
        return line;
    }
}
