package dev.preflight.image;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A built image: its digest (sha256 of the manifest, what ECR records and a task pins), the
 * manifest itself, the artifact the layer stands for (the jar, in the {@link ImageStore}) and the
 * config that says how to run it.
 */
public record Image(String digest, String manifest, String manifestMediaType, Path artifact, ImageConfig config) {
    public Image {
        Sha256.requireValid(digest, "Image digest");
        Objects.requireNonNull(manifest, "manifest");
        Objects.requireNonNull(manifestMediaType, "manifestMediaType");
        Objects.requireNonNull(artifact, "artifact");
        Objects.requireNonNull(config, "config");
    }

    /** The first 12 hex digits, as docker prints image ids. */
    public String shortDigest() {
        return digest.substring("sha256:".length(), "sha256:".length() + 12);
    }
}
