package dev.preflight.environment;

import dev.preflight.topology.TopologyLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Finds the topology folder (the one holding base.yaml and environments/): {@code
 * preflight.topology.dir} (system property, or PREFLIGHT_TOPOLOGY_DIR) when given, else the project's
 * own layout: {@code preflight/} or {@code src/test/preflight/} in the working folder, which is the
 * module's folder when Maven runs the tests. It never searches the folders above: a topology found
 * there would be someone else's.
 */
public final class TopologyLocator {
    public static final String PROPERTY = "preflight.topology.dir";
    /** Where a project keeps its topology when it names none, relative to the module. */
    public static final List<String> CONVENTIONAL_DIRS = List.of("preflight", "src/test/preflight");

    private TopologyLocator() {
    }

    public static Path topologyDir() {
        String configured = Optional.ofNullable(System.getProperty(PROPERTY)).orElse(System.getenv("PREFLIGHT_TOPOLOGY_DIR"));
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured).toAbsolutePath().normalize();
        }
        Path module = Path.of("").toAbsolutePath();
        for (String dir : CONVENTIONAL_DIRS) {
            Path candidate = module.resolve(dir);
            if (Files.isRegularFile(candidate.resolve(TopologyLoader.BASE_FILE))) {
                return candidate;
            }
        }
        throw new IllegalStateException("No topology folder: none given and no " + String.join(" or ", CONVENTIONAL_DIRS.stream()
                .map(d -> d + "/" + TopologyLoader.BASE_FILE).toList()) + " in " + module + ". Fix: put your topology in "
                + module.resolve(CONVENTIONAL_DIRS.get(0)) + "/ (base.yaml and environments/<env>.yaml), or set -D" + PROPERTY
                + "=<folder with base.yaml> (or PREFLIGHT_TOPOLOGY_DIR)");
    }
}
