package dev.preflight.scaling;

import dev.preflight.scaling.ScalingActivity.Direction;
import dev.preflight.scaling.ScalingActivity.Limit;
import dev.preflight.scaling.ScalingActivity.Status;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;

/**
 * Target-tracking scaling of one scalable target by docs/aws-behaviour.md section 4, as a pure function
 * of a {@link ScalingSituation}:
 * <ol>
 *   <li>A desired count outside [min, max] is corrected first.</li>
 *   <li>Scale out if any policy's AlarmHigh is in ALARM: desired = ceil(capacity × metric / target),
 *       the largest wish of all such policies. During a scale-out cooldown the capacity is the one the
 *       initiating scale-out started from, so its added capacity counts toward the next one and only
 *       a larger scale-out proceeds. A scale-out cancels the scale-in cooldown. Capped at max.</li>
 *   <li>Otherwise scale in only if every scale-in-enabled policy's AlarmLow is in ALARM: to the
 *       largest (most conservative) of their wishes by the {@link ScaleInRule}; not while an ECS
 *       deployment is in progress, not during the scale-in cooldown; held at min.</li>
 * </ol>
 * An alarm in INSUFFICIENT_DATA never scales. Wishes that are capped or blocked are returned as
 * activities too, so a policy that cannot work is visible.
 */
public final class TargetTracking {
    private static final double EPSILON = 1e-9;

    private TargetTracking() {
    }

    /** ceil(capacity × metric / target), and at least one more than {@code capacity} (a service at 0 gets 1). */
    public static int scaleOutCapacity(int capacity, double metric, double target) {
        int proportional = (int) Math.min(Integer.MAX_VALUE, Math.ceil(capacity * metric / target - EPSILON));
        return Math.max(capacity + 1, proportional);
    }

    /** What scale-in asks for by {@code rule}: never more than {@code capacity}, never below 0. */
    public static int scaleInCapacity(int capacity, double metric, double target, ScaleInRule rule) {
        int wish = switch (rule) {
            case PROPORTIONAL -> (int) Math.ceil(capacity * Math.max(0, metric) / target - EPSILON);
            case ONE_AT_A_TIME -> capacity - 1;
        };
        return Math.max(0, Math.min(capacity, wish));
    }

    public static ScalingDecision decide(ScalingSituation s) {
        int current = s.current();
        if (current > s.max() || current < s.min()) {
            int corrected = Math.max(s.min(), Math.min(s.max(), current));
            ScalingActivity correction = new ScalingActivity(s.now(), s.service(), s.resourceId(), Direction.CORRECTION, Status.SUCCESSFUL,
                    Limit.OUT_OF_RANGE, current, corrected, corrected, null, null, 0, 0, null,
                    "desired count " + current + " is outside the scalable target's range [" + s.min() + ", " + s.max() + "]", 0, s.now());
            return new ScalingDecision(OptionalInt.of(corrected), List.of(correction), s.history());
        }
        ScalingDecision out = scaleOut(s);
        return out != null ? out : scaleIn(s);
    }

    private static ScalingDecision scaleOut(ScalingSituation s) {
        PolicyEvaluation best = null;
        int bestWish = -1;
        int bestBasis = 0;
        boolean bestCooling = false;
        for (PolicyEvaluation pe : s.policies()) {
            if (!pe.high().inAlarm() || pe.latest().isEmpty()) {
                continue;
            }
            TargetTrackingPolicy p = pe.policy();
            boolean cooling = s.history().inScaleOutCooldown(p.scaleOutCooldown(), s.now());
            int basis = cooling ? s.history().capacityBeforeScaleOut() : s.current();
            int wish = scaleOutCapacity(basis, pe.latest().getAsDouble(), p.targetValue());
            if (wish > bestWish) {
                best = pe;
                bestWish = wish;
                bestBasis = basis;
                bestCooling = cooling;
            }
        }
        if (best == null) {
            return null;
        }
        int current = s.current();
        ScalingActivity activity = activity(s, best, Direction.SCALE_OUT, bestWish, best.high());
        if (bestWish <= current) {
            TargetTrackingPolicy p = best.policy();
            return note(s, activity.withStatus(Status.BLOCKED, Limit.SCALE_OUT_COOLDOWN, current,
                    "in the scale-out cooldown (" + p.scaleOutCooldownSeconds() + " s) of the scale-out from " + bestBasis
                            + ": only a larger scale-out may happen, and " + bestWish + " is not more than the current " + current));
        }
        if (s.scaleOutSuspended()) {
            return note(s, activity.withStatus(Status.BLOCKED, Limit.SUSPENDED, current, "dynamic scale-out is suspended on the scalable target"));
        }
        int to = Math.min(bestWish, s.max());
        if (to <= current) {
            return note(s, activity.withStatus(Status.CAPPED, Limit.MAX_CAPACITY, current,
                    "wanted " + bestWish + " but the maximum capacity is " + s.max()));
        }
        ScalingActivity done = bestWish > s.max()
                ? activity.withStatus(Status.SUCCESSFUL, Limit.MAX_CAPACITY, to, "capped at the maximum capacity " + s.max() + " (wanted " + bestWish + ")")
                : activity.withStatus(Status.SUCCESSFUL, Limit.NONE, to, bestCooling
                ? "a larger scale-out during the scale-out cooldown (computed from " + bestBasis + ")" : null);
        return new ScalingDecision(OptionalInt.of(to), List.of(done), s.history().scaledOut(s.now(), bestBasis));
    }

    private static ScalingDecision scaleIn(ScalingSituation s) {
        List<PolicyEvaluation> enabled = s.policies().stream().filter(pe -> !pe.policy().disableScaleIn()).toList();
        if (enabled.isEmpty() || !enabled.stream().allMatch(pe -> pe.low().inAlarm() && pe.latest().isPresent())) {
            return ScalingDecision.none(s.history());
        }
        int current = s.current();
        PolicyEvaluation chosen = null;
        int wish = -1;
        for (PolicyEvaluation pe : enabled) {
            int w = scaleInCapacity(current, pe.latest().getAsDouble(), pe.policy().targetValue(), s.scaleInRule());
            if (w > wish) {
                wish = w;
                chosen = pe;
            }
        }
        if (wish >= current) {
            return ScalingDecision.none(s.history());
        }
        TargetTrackingPolicy p = chosen.policy();
        ScalingActivity activity = activity(s, chosen, Direction.SCALE_IN, wish, chosen.low());
        if (s.deploymentInProgress()) {
            return note(s, activity.withStatus(Status.BLOCKED, Limit.DEPLOYMENT_IN_PROGRESS, current,
                    "an ECS deployment is in progress: scale-in waits until it completes"));
        }
        if (s.scaleInSuspended()) {
            return note(s, activity.withStatus(Status.BLOCKED, Limit.SUSPENDED, current, "dynamic scale-in is suspended on the scalable target"));
        }
        if (s.history().inScaleInCooldown(p.scaleInCooldown(), s.now())) {
            return note(s, activity.withStatus(Status.BLOCKED, Limit.SCALE_IN_COOLDOWN, current,
                    "in the scale-in cooldown (" + p.scaleInCooldownSeconds() + " s) of the previous scale-in"));
        }
        int to = Math.max(wish, s.min());
        if (to >= current) {
            return note(s, activity.withStatus(Status.CAPPED, Limit.MIN_CAPACITY, current,
                    "wanted " + wish + " but the minimum capacity is " + s.min()));
        }
        ScalingActivity done = wish < s.min()
                ? activity.withStatus(Status.SUCCESSFUL, Limit.MIN_CAPACITY, to, "held at the minimum capacity " + s.min() + " (wanted " + wish + ")")
                : activity.withStatus(Status.SUCCESSFUL, Limit.NONE, to, null);
        return new ScalingDecision(OptionalInt.of(to), List.of(done), s.history().scaledIn(s.now()));
    }

    private static ScalingActivity activity(ScalingSituation s, PolicyEvaluation pe, Direction direction, int wish, AlarmEvaluation alarm) {
        TargetTrackingPolicy p = pe.policy();
        Instant now = s.now();
        return new ScalingActivity(now, s.service(), s.resourceId(), direction, Status.SUCCESSFUL, Limit.NONE, s.current(), s.current(), wish,
                p.policyName(), p.metricType(), pe.latest().orElse(0), p.targetValue(), alarm.alarm().name(), null, 0, now);
    }

    private static ScalingDecision note(ScalingSituation s, ScalingActivity activity) {
        return new ScalingDecision(OptionalInt.empty(), List.of(activity), s.history());
    }
}
