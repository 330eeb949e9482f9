package dev.preflight.scaling;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * One entry of a service's scaling activity log: a change of the desired count with its cause, or
 * a wish that was not (fully) carried out and why: capped by the maximum or minimum capacity,
 * blocked by a cooldown, a deployment or a suspension. Identical non-changes in a row are one entry
 * whose {@link #repeats()} grows (until {@link #lastAt()}).
 *
 * @param from        the desired count before
 * @param to          the desired count after (equal to {@code from} when nothing changed)
 * @param wanted      what the policy asked for before clamping
 * @param policyName  the policy whose alarm invoked it (null for a range correction)
 * @param metric      the metric type tracked, e.g. ALBRequestCountPerTarget
 * @param metricValue the datapoint that was acted on
 * @param alarmName   the managed alarm in ALARM that invoked the policy
 * @param reason      why it was capped, blocked or corrected; null for a plain change
 */
public record ScalingActivity(Instant at, String service, String resourceId, Direction direction, Status status, Limit limit,
                              int from, int to, int wanted, String policyName, String metric, double metricValue, double targetValue,
                              String alarmName, String reason, int repeats, Instant lastAt) {
    public enum Direction { SCALE_OUT, SCALE_IN, CORRECTION }

    /** SUCCESSFUL: the desired count was changed (maybe clamped); CAPPED, BLOCKED: it was not; FAILED: UpdateService failed. */
    public enum Status { SUCCESSFUL, CAPPED, BLOCKED, FAILED }

    /** What stood in the way, if anything. */
    public enum Limit { NONE, MAX_CAPACITY, MIN_CAPACITY, SCALE_OUT_COOLDOWN, SCALE_IN_COOLDOWN, DEPLOYMENT_IN_PROGRESS, SUSPENDED, OUT_OF_RANGE, UPDATE_FAILED }

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    public boolean changed() {
        return status == Status.SUCCESSFUL && to != from;
    }

    /** AWS's activity description: "Setting desired count to 3." */
    public String description() {
        return changed() ? "Setting desired count to " + to + "." : "Desired count stays " + from + " (wanted " + wanted + ").";
    }

    /** AWS's activity cause: "monitor alarm ... in state ALARM triggered policy ...". */
    public String cause() {
        if (policyName == null) {
            return reason;
        }
        return "monitor alarm " + alarmName + " in state ALARM triggered policy " + policyName;
    }

    ScalingActivity repeated(Instant when) {
        return new ScalingActivity(at, service, resourceId, direction, status, limit, from, to, wanted, policyName, metric, metricValue,
                targetValue, alarmName, reason, repeats + 1, when);
    }

    ScalingActivity withStatus(Status newStatus, Limit newLimit, int newTo, String newReason) {
        return new ScalingActivity(at, service, resourceId, direction, newStatus, newLimit, from, newTo, wanted, policyName, metric,
                metricValue, targetValue, alarmName, newReason, repeats, lastAt);
    }

    /** Same kind of entry as {@code other}: a repeat to merge rather than a new entry. */
    boolean sameAs(ScalingActivity other) {
        return other != null && direction == other.direction && status == other.status && limit == other.limit && from == other.from
                && to == other.to && wanted == other.wanted && java.util.Objects.equals(policyName, other.policyName);
    }

    /** A short label for report charts: "scale-out 1→3", "max 1 caps 3". */
    public String label() {
        String verb = switch (direction) {
            case SCALE_OUT -> "scale-out";
            case SCALE_IN -> "scale-in";
            case CORRECTION -> "range correction";
        };
        return switch (status) {
            case SUCCESSFUL -> verb + " " + from + "→" + to + (limit == Limit.NONE || limit == Limit.OUT_OF_RANGE ? "" : " (" + limitWords() + ")");
            case CAPPED, BLOCKED -> verb + " to " + wanted + " " + (status == Status.CAPPED ? "capped" : "blocked") + ": " + limitWords();
            case FAILED -> verb + " " + from + "→" + to + " failed";
        };
    }

    private String limitWords() {
        return switch (limit) {
            case MAX_CAPACITY -> "max";
            case MIN_CAPACITY -> "min";
            case SCALE_OUT_COOLDOWN -> "scale-out cooldown";
            case SCALE_IN_COOLDOWN -> "scale-in cooldown";
            case DEPLOYMENT_IN_PROGRESS -> "deployment in progress";
            case SUSPENDED -> "suspended";
            case OUT_OF_RANGE -> "out of range";
            case UPDATE_FAILED -> "UpdateService failed";
            case NONE -> "";
        };
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder(TIME.format(at)).append(' ').append(service).append(": ").append(direction)
                .append(' ').append(status).append(' ').append(from).append(" -> ").append(to);
        if (policyName != null) {
            s.append(" (wanted ").append(wanted).append(": ").append(metric).append(' ').append(AlarmRule.format(metricValue))
                    .append(direction == Direction.SCALE_IN ? " under " : " vs target ").append(AlarmRule.format(targetValue))
                    .append("; ").append(cause()).append(')');
        }
        if (reason != null) {
            s.append(": ").append(reason);
        }
        if (repeats > 0) {
            s.append(" [repeated ").append(repeats).append(" more times, last at ").append(TIME.format(lastAt)).append(']');
        }
        return s.toString();
    }
}
