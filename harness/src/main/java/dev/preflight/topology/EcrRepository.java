package dev.preflight.topology;

import java.nio.file.Path;

/**
 * imageTagMutability defaults to MUTABLE and scanOnPush to false, as in AWS. {@code build} says how the
 * repository's image is built (null: the topology does not say, and nothing can deploy to it).
 */
public record EcrRepository(String imageTagMutability, Boolean scanOnPush, ImageBuild build) {
    public EcrRepository {
        imageTagMutability = imageTagMutability == null ? "MUTABLE" : imageTagMutability;
        scanOnPush = scanOnPush != null && scanOnPush;
    }

    public EcrRepository(String imageTagMutability, Boolean scanOnPush) {
        this(imageTagMutability, scanOnPush, null);
    }

    public boolean immutable() {
        return "IMMUTABLE".equals(imageTagMutability);
    }

    /** The same repository with its build's folders made absolute against the topology folder. */
    EcrRepository resolvedAgainst(Path topologyDir) {
        return build == null ? this : new EcrRepository(imageTagMutability, scanOnPush, build.resolvedAgainst(topologyDir));
    }
}
