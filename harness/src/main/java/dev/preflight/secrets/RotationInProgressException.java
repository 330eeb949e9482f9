package dev.preflight.secrets;

/**
 * RotateSecret refused: another version carries AWSPENDING without AWSCURRENT, so Secrets Manager
 * takes it for a rotation that has not finished. Nothing was changed.
 */
public final class RotationInProgressException extends RotationException {
    private final String pendingVersionId;

    public RotationInProgressException(String message, String secretArn, String pendingVersionId) {
        super(message, secretArn, null, null);
        this.pendingVersionId = pendingVersionId;
    }

    /** The version holding the lingering AWSPENDING label. */
    public String lingeringVersionId() {
        return pendingVersionId;
    }
}
