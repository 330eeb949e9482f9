package dev.preflight.image;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An ECR image URI as a task definition names it:
 * {@code <account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>} or
 * {@code ...<repository>@sha256:<hex>} (a digest wins over a tag when both are given).
 */
public record ImageReference(String registryId, String region, String repository, String tag, String digest) {
    private static final Pattern URI = Pattern.compile(
            "(\\d{12})\\.dkr\\.ecr\\.([a-z0-9-]+)\\.amazonaws\\.com(?:\\.cn)?/([a-z0-9][a-z0-9._/-]*?)(?::([A-Za-z0-9_][A-Za-z0-9_.-]{0,127}))?(?:@(sha256:[0-9a-f]{64}))?");

    public static ImageReference parse(String imageUri) {
        Matcher m = URI.matcher(imageUri == null ? "" : imageUri.trim());
        if (!m.matches() || (m.group(4) == null && m.group(5) == null)) {
            throw new EcrRegistryException(EcrRegistryException.Reason.INVALID_URI, "Image '" + imageUri
                    + "' is not an ECR image URI. Fix: use <account>.dkr.ecr.<region>.amazonaws.com/<repository>:<tag>"
                    + " or ...<repository>@sha256:<digest> (the repository URI provisioning outputs, plus a tag)", null);
        }
        return new ImageReference(m.group(1), m.group(2), m.group(3), m.group(4), m.group(5));
    }

    public boolean byDigest() {
        return digest != null;
    }

    @Override
    public String toString() {
        return registryId + ".dkr.ecr." + region + ".amazonaws.com/" + repository
                + (tag != null ? ":" + tag : "") + (digest != null ? "@" + digest : "");
    }
}
