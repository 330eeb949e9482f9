package dev.preflight.secrets;

/** Told after each rotation step, e.g. to mark it on a scenario's timeline. */
@FunctionalInterface
public interface RotationListener {
    void stepEnded(String secretArn, String versionId, RotationResult.StepOutcome outcome);
}
