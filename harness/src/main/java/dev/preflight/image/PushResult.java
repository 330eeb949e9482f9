package dev.preflight.image;

/**
 * The outcome of a push: the URI a task definition names ({@code <registry>/<repo>:<tag>}), the
 * digest ECR recorded, and whether the tag already named this very image (nothing was changed).
 */
public record PushResult(String imageUri, String digest, boolean alreadyPresent) {
    /** The same image pinned by digest ({@code <registry>/<repo>@sha256:...}), immune to tag moves. */
    public String pinnedUri() {
        int colon = imageUri.lastIndexOf(':');
        return imageUri.substring(0, colon) + "@" + digest;
    }
}
