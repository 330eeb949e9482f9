package dev.preflight.image;

/**
 * A push or pull that cannot be done, with why (so ECS can report a CannotPullContainerError and a
 * scenario can assert on the reason) and a message naming the image and the fix.
 */
public class EcrRegistryException extends RuntimeException {
    public enum Reason {
        /** Not of the form {@code <account>.dkr.ecr.<region>.amazonaws.com/<repo>:<tag>}. */
        INVALID_URI,
        REPOSITORY_NOT_FOUND,
        /** No such tag or digest in the repository. */
        IMAGE_NOT_FOUND,
        /** ECR knows the image but its layers are not in this run's image store. */
        NOT_IN_LOCAL_STORE,
        /** ECR recorded another digest than the manifest's sha256. */
        DIGEST_MISMATCH,
        /** Any other failure of the ECR API. */
        ECR_ERROR
    }

    private final Reason reason;

    public EcrRegistryException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
