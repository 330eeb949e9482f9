package dev.preflight.secrets;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * What one rotation did: the steps run (each with its times and what it did), the version that
 * was AWSCURRENT before ({@code previousVersionId}) and the new one ({@code versionId}, the
 * rotation's ClientRequestToken), and the database users before and after. Holds no secret value.
 *
 * @param failedStep empty when every step succeeded
 */
public record RotationResult(String secretArn, SecretRotation.Strategy strategy, String versionId, String previousVersionId,
                             String previousUser, String user, List<StepOutcome> steps, Instant startedAt, Instant endedAt,
                             Optional<RotationStep> failedStep) {

    public RotationResult {
        steps = List.copyOf(steps);
    }

    /** One step as it ran: {@code ok} false for the step that failed (the last one). */
    public record StepOutcome(RotationStep step, Instant startedAt, Instant endedAt, boolean ok, String detail) {
        public Duration duration() {
            return Duration.between(startedAt, endedAt);
        }

        @Override
        public String toString() {
            return step + (ok ? " ok" : " FAILED") + " in " + duration().toMillis() + " ms: " + detail;
        }
    }

    public boolean succeeded() {
        return failedStep.isEmpty();
    }

    /** The outcome of one step, if it ran. */
    public Optional<StepOutcome> step(RotationStep step) {
        return steps.stream().filter(s -> s.step() == step).findFirst();
    }

    /** Several lines: the strategy, the versions, the users and every step. */
    public String describe() {
        StringBuilder s = new StringBuilder();
        s.append("rotation of ").append(secretArn).append(" (").append(strategy.description()).append(")")
                .append(succeeded() ? " succeeded" : " FAILED at " + failedStep.get()).append('\n');
        s.append("  version ").append(previousVersionId).append(" (user ").append(previousUser).append(")")
                .append(succeeded() ? " -> AWSPREVIOUS" : " stays AWSCURRENT").append('\n');
        s.append("  version ").append(versionId).append(" (user ").append(user).append(")")
                .append(succeeded() ? " -> AWSCURRENT" : " stays AWSPENDING").append('\n');
        for (StepOutcome step : steps) {
            s.append("  ").append(step).append('\n');
        }
        return s.toString();
    }

    @Override
    public String toString() {
        return "RotationResult[" + secretArn + " " + strategy + " " + previousVersionId + " -> " + versionId
                + (succeeded() ? "" : ", failed at " + failedStep.get()) + "]";
    }
}
