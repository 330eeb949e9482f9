package dev.preflight.scaling;

import java.time.Duration;
import java.time.Instant;

/**
 * The last scaling activities of one scalable target, what the cooldowns are measured from.
 *
 * @param lastScaleOutAt          when the last scale-out happened (null: none)
 * @param capacityBeforeScaleOut  the capacity the last scale-out was computed from: during its cooldown
 *                                a further scale-out is computed from it again, so the capacity the first
 *                                one added counts toward the next and only a larger one happens
 * @param lastScaleInAt           when the last scale-in happened (null: none, or cancelled by a scale-out)
 */
public record ScalingHistory(Instant lastScaleOutAt, int capacityBeforeScaleOut, Instant lastScaleInAt) {
    public static final ScalingHistory NONE = new ScalingHistory(null, 0, null);

    public boolean inScaleOutCooldown(Duration cooldown, Instant now) {
        return lastScaleOutAt != null && now.isBefore(lastScaleOutAt.plus(cooldown));
    }

    public boolean inScaleInCooldown(Duration cooldown, Instant now) {
        return lastScaleInAt != null && now.isBefore(lastScaleInAt.plus(cooldown));
    }

    /** A scale-out starts its cooldown and cancels the scale-in cooldown. */
    ScalingHistory scaledOut(Instant at, int basis) {
        return new ScalingHistory(at, basis, null);
    }

    ScalingHistory scaledIn(Instant at) {
        return new ScalingHistory(lastScaleOutAt, capacityBeforeScaleOut, at);
    }
}
