package dev.preflight.topology;

/** An S3 bucket. encryption is the default SSE algorithm (AES256 or aws:kms). */
public record Bucket(Boolean versioning, String encryption, Boolean blockPublicAccess) {
    public Bucket {
        versioning = versioning != null && versioning;
        encryption = encryption == null ? "AES256" : encryption;
        blockPublicAccess = blockPublicAccess == null || blockPublicAccess;
    }
}
