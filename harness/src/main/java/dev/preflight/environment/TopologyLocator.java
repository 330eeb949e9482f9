package dev.preflight.environment;

import dev.preflight.topology.TopologyLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds the topology folder: {@code preflight.topology.dir} (system property or
 * PREFLIGHT_TOPOLOGY_DIR), else {@code fixtures/topology} in the working folder or any parent.
 */
public final class TopologyLocator {
    public static final String PROPERTY = "preflight.topology.dir";

    private TopologyLocator() {
    }

    public static Path topologyDir() {
        String configured = Optional.ofNullable(System.getProperty(PROPERTY)).orElse(System.getenv("PREFLIGHT_TOPOLOGY_DIR"));
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("fixtures/topology");
            if (Files.isRegularFile(candidate.resolve(TopologyLoader.BASE_FILE))) {
                return candidate;
            }
        }
        throw new IllegalStateException("No topology folder found: looked for fixtures/topology/base.yaml from "
                + Path.of("").toAbsolutePath() + " upwards. Fix: set -D" + PROPERTY + "=<folder with base.yaml>");
    }
}
