package dev.preflight.secrets;

import java.util.Optional;

/**
 * A rotation that stopped. The message names the secret, the step that failed, where AWSCURRENT
 * and AWSPENDING are, and what to do next; never a secret value. {@link #result()} holds the steps
 * that ran.
 */
public class RotationException extends RuntimeException {
    private final String secretArn;
    private final transient RotationResult result;

    public RotationException(String message, String secretArn, RotationResult result, Throwable cause) {
        super(message, cause);
        this.secretArn = secretArn;
        this.result = result;
    }

    public String secretArn() {
        return secretArn;
    }

    /** The steps that ran before the failure, or null when no step ran. */
    public RotationResult result() {
        return result;
    }

    /** The step that failed; empty when the rotation was refused before its first step. */
    public Optional<RotationStep> failedStep() {
        return result == null ? Optional.empty() : result.failedStep();
    }

    /** The version this rotation labelled AWSPENDING, if it got that far. */
    public Optional<String> pendingVersionId() {
        boolean created = result != null && result.step(RotationStep.CREATE_SECRET).map(RotationResult.StepOutcome::ok).orElse(false);
        return created ? Optional.of(result.versionId()) : Optional.empty();
    }
}
