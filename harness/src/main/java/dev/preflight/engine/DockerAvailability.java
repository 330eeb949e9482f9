package dev.preflight.engine;

import org.testcontainers.DockerClientFactory;

/**
 * Whether a Docker engine answers, as Testcontainers finds it (DOCKER_HOST, the local socket,
 * ~/.testcontainers.properties...). Testcontainers remembers the answer for the life of the JVM, so
 * only the first call costs anything (about 2 s on a machine without Docker).
 */
public final class DockerAvailability {
    /** Why the {@code containers} engine and its tests cannot run; also the reason a skipped test shows. */
    public static final String REASON = "Docker is not available";

    static final String MISSING_MESSAGE = REASON + ": the containers engine needs a running Docker engine."
            + " Fix: start Docker, or use -D" + EngineSettings.ENGINES_PROPERTY + "=embedded (the default)";

    private DockerAvailability() {
    }

    public static boolean isAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (Throwable e) {
            // a broken Docker configuration is "not available", whatever Testcontainers throws
            return false;
        }
    }

    public static String reason() {
        return REASON;
    }

    /** Called by every container engine before it touches Testcontainers' start. */
    static void require() {
        if (!isAvailable()) {
            throw new EngineException(MISSING_MESSAGE);
        }
    }
}
