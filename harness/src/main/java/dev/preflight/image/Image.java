package dev.preflight.image;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A built image: its digest (sha256 of the manifest, what ECR records and a task pins), the manifest
 * itself, its layers (uncompressed tars in the {@link ImageStore}, in order), the config that says how to
 * run it, and the base image its FROM named (null for the process form, which has none).
 */
public record Image(String digest, String manifest, String manifestMediaType, List<Path> layers, ImageConfig config, String baseImage) {
    public Image {
        Sha256.requireValid(digest, "Image digest");
        Objects.requireNonNull(manifest, "manifest");
        Objects.requireNonNull(manifestMediaType, "manifestMediaType");
        layers = List.copyOf(layers);
        Objects.requireNonNull(config, "config");
    }

    /** The Docker image id of an image built with Docker (its layers are in the Docker engine); empty otherwise. */
    public java.util.Optional<String> dockerImageId() {
        return java.util.Optional.ofNullable(ImageManifest.parse(manifest).dockerImageId());
    }

    /** The first 12 hex digits, as docker prints image ids. */
    public String shortDigest() {
        return digest.substring("sha256:".length(), "sha256:".length() + 12);
    }
}
