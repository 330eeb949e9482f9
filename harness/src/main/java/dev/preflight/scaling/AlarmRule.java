package dev.preflight.scaling;

import java.util.List;
import java.util.Locale;
import java.util.OptionalDouble;
import java.util.stream.Collectors;

/**
 * One managed alarm of a target-tracking policy: a metric compared with a threshold over the last
 * {@code evaluationPeriods} periods, in ALARM when {@code datapointsToAlarm} of them breach
 * (docs/aws-behaviour.md section 4: AlarmHigh 3 of 3 above the target, AlarmLow 15 of 15 below).
 *
 * <p>Missing data is treated as CloudWatch's {@code missing}, simplified: a window without any
 * datapoint is INSUFFICIENT_DATA; otherwise the alarm is in ALARM if enough of the present datapoints
 * breach, else OK.
 */
public record AlarmRule(String name, Comparison comparison, double threshold, int evaluationPeriods, int datapointsToAlarm) {
    public enum Comparison {
        GREATER_THAN("GreaterThanThreshold", "greater than"),
        LESS_THAN("LessThanThreshold", "less than");

        private final String awsName;
        private final String words;

        Comparison(String awsName, String words) {
            this.awsName = awsName;
            this.words = words;
        }

        public String awsName() {
            return awsName;
        }

        boolean breaches(double value, double threshold) {
            return this == GREATER_THAN ? value > threshold : value < threshold;
        }
    }

    public AlarmRule {
        if (evaluationPeriods < 1 || datapointsToAlarm < 1 || datapointsToAlarm > evaluationPeriods) {
            throw new IllegalArgumentException("an alarm needs 1 <= datapointsToAlarm <= evaluationPeriods, got "
                    + datapointsToAlarm + " of " + evaluationPeriods + " for " + name);
        }
        if (!Double.isFinite(threshold)) {
            throw new IllegalArgumentException("an alarm threshold must be a number, got " + threshold + " for " + name);
        }
    }

    /**
     * Evaluates the window of the last {@code evaluationPeriods} periods, oldest first (an empty value
     * is a period without a datapoint).
     */
    public AlarmEvaluation evaluate(List<OptionalDouble> window) {
        if (window.size() != evaluationPeriods) {
            throw new IllegalArgumentException(name + " evaluates " + evaluationPeriods + " periods, got a window of " + window.size());
        }
        List<Double> present = window.stream().filter(OptionalDouble::isPresent).map(OptionalDouble::getAsDouble).toList();
        OptionalDouble latest = OptionalDouble.empty();
        for (OptionalDouble v : window) {
            if (v.isPresent()) {
                latest = v;
            }
        }
        if (present.isEmpty()) {
            return new AlarmEvaluation(this, AlarmState.INSUFFICIENT_DATA, latest,
                    "Insufficient Data: no datapoints in the last " + evaluationPeriods + " periods.");
        }
        long breaching = present.stream().filter(v -> comparison.breaches(v, threshold)).count();
        String values = window.stream().map(v -> v.isPresent() ? format(v.getAsDouble()) : "missing")
                .collect(Collectors.joining(", ", "[", "]"));
        if (breaching >= datapointsToAlarm) {
            return new AlarmEvaluation(this, AlarmState.ALARM, latest, "Threshold Crossed: " + breaching + " out of the last "
                    + evaluationPeriods + " datapoints " + values + " were " + comparison.words + " the threshold (" + format(threshold) + ").");
        }
        return new AlarmEvaluation(this, AlarmState.OK, latest, "Threshold not crossed: " + breaching + " out of the last "
                + evaluationPeriods + " datapoints " + values + " were " + comparison.words + " the threshold (" + format(threshold)
                + "); " + datapointsToAlarm + " needed.");
    }

    static String format(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e12) {
            return String.format(Locale.ROOT, "%.1f", value);
        }
        return String.format(Locale.ROOT, "%.2f", value);
    }
}
