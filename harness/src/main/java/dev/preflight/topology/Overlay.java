package dev.preflight.topology;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * A change laid over an environment, in the topology's own YAML, through the same merge and
 * validation as {@code environments/<env>.yaml}: it may change any value the base defines and add
 * nothing. This is how a scenario misconfigures an environment on purpose:
 *
 * <pre>{@code
 * Overlay.yaml("no-drain", "loadBalancer: {targetGroups: {api: {deregistrationDelaySeconds: 0}}}")
 * }</pre>
 *
 * Errors name the overlay ({@code <overlay no-drain>}, or its file) and the path in it.
 *
 * @param source where it came from, as errors name it: its file, or {@code <overlay NAME>}
 * @param text   the YAML
 */
public record Overlay(Path source, String text) {
    public Overlay {
        Objects.requireNonNull(source, "overlay source");
        Objects.requireNonNull(text, "overlay text");
    }

    /** An overlay written inline; {@code name} says in errors which one it was. */
    public static Overlay yaml(String name, String yaml) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("an overlay needs a name, for its error messages");
        }
        return new Overlay(Path.of("<overlay " + name + ">"), yaml);
    }

    /** An overlay file. */
    public static Overlay file(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new TopologyException(new TopologyException.Problem(file, "", "overlay file not found",
                    "give the path of a YAML file that changes values of base.yaml"));
        }
        try {
            return new Overlay(file, Files.readString(file));
        } catch (java.io.IOException e) {
            throw new TopologyException(new TopologyException.Problem(file, "", "cannot read: " + e.getMessage(),
                    "check the file exists and is readable"));
        }
    }
}
