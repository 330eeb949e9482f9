package dev.preflight.scaling;

import dev.preflight.metrics.MetricsOptions;

/**
 * The autoscaler's settings that AWS leaves undocumented (docs/aws-behaviour.md section 4), each
 * configurable; the defaults are what AWS is observed to do.
 *
 * @param highEvaluationPeriods  AlarmHigh window, in periods (observed: 3)
 * @param highDatapointsToAlarm  AlarmHigh datapoints that must exceed the target (observed: 3)
 * @param lowEvaluationPeriods   AlarmLow window, in periods (observed: 15)
 * @param lowDatapointsToAlarm   AlarmLow datapoints that must be under its threshold (observed: 15)
 * @param lowThresholdRatio      AlarmLow's threshold as a share of the target value (observed in the
 *                               alarms AWS creates for ECS services: 0.9; 1.0 makes it the target itself)
 * @param scaleInRule            how far one scale-in goes (AWS says only "conservative")
 * @param metrics                how the metrics the alarms read are measured (period 60 s AWS)
 * @param refreshEveryPeriods    how often the scalable targets and policies are read again from
 *                               Application Auto Scaling, in periods
 */
public record ScalingOptions(int highEvaluationPeriods, int highDatapointsToAlarm, int lowEvaluationPeriods, int lowDatapointsToAlarm,
                             double lowThresholdRatio, ScaleInRule scaleInRule, MetricsOptions metrics, int refreshEveryPeriods) {
    public ScalingOptions {
        if (highDatapointsToAlarm < 1 || highDatapointsToAlarm > highEvaluationPeriods) {
            throw new IllegalArgumentException("AlarmHigh needs 1 <= datapoints <= periods, got " + highDatapointsToAlarm + " of " + highEvaluationPeriods);
        }
        if (lowDatapointsToAlarm < 1 || lowDatapointsToAlarm > lowEvaluationPeriods) {
            throw new IllegalArgumentException("AlarmLow needs 1 <= datapoints <= periods, got " + lowDatapointsToAlarm + " of " + lowEvaluationPeriods);
        }
        if (!(lowThresholdRatio > 0 && lowThresholdRatio <= 1)) {
            throw new IllegalArgumentException("lowThresholdRatio must be in (0, 1], got " + lowThresholdRatio);
        }
        if (scaleInRule == null || metrics == null) {
            throw new IllegalArgumentException("scaleInRule and metrics are required");
        }
        if (Math.max(highEvaluationPeriods, lowEvaluationPeriods) > metrics.retentionPeriods()) {
            throw new IllegalArgumentException("the metric series keep " + metrics.retentionPeriods() + " periods, fewer than an alarm window");
        }
        if (refreshEveryPeriods < 1) {
            throw new IllegalArgumentException("refreshEveryPeriods must be at least 1, got " + refreshEveryPeriods);
        }
    }

    public static ScalingOptions defaults() {
        return new ScalingOptions(3, 3, 15, 15, 0.9, ScaleInRule.PROPORTIONAL, MetricsOptions.defaults(), 1);
    }

    public ScalingOptions withAlarmHigh(int datapointsToAlarm, int evaluationPeriods) {
        return new ScalingOptions(evaluationPeriods, datapointsToAlarm, lowEvaluationPeriods, lowDatapointsToAlarm, lowThresholdRatio,
                scaleInRule, metrics, refreshEveryPeriods);
    }

    public ScalingOptions withAlarmLow(int datapointsToAlarm, int evaluationPeriods) {
        return new ScalingOptions(highEvaluationPeriods, highDatapointsToAlarm, evaluationPeriods, datapointsToAlarm, lowThresholdRatio,
                scaleInRule, metrics, refreshEveryPeriods);
    }

    public ScalingOptions withLowThresholdRatio(double ratio) {
        return new ScalingOptions(highEvaluationPeriods, highDatapointsToAlarm, lowEvaluationPeriods, lowDatapointsToAlarm, ratio,
                scaleInRule, metrics, refreshEveryPeriods);
    }

    public ScalingOptions withScaleInRule(ScaleInRule rule) {
        return new ScalingOptions(highEvaluationPeriods, highDatapointsToAlarm, lowEvaluationPeriods, lowDatapointsToAlarm, lowThresholdRatio,
                rule, metrics, refreshEveryPeriods);
    }

    public ScalingOptions withMetrics(MetricsOptions newMetrics) {
        return new ScalingOptions(highEvaluationPeriods, highDatapointsToAlarm, lowEvaluationPeriods, lowDatapointsToAlarm, lowThresholdRatio,
                scaleInRule, newMetrics, refreshEveryPeriods);
    }

    public ScalingOptions withRefreshEveryPeriods(int periods) {
        return new ScalingOptions(highEvaluationPeriods, highDatapointsToAlarm, lowEvaluationPeriods, lowDatapointsToAlarm, lowThresholdRatio,
                scaleInRule, metrics, periods);
    }

    /** The policy's AlarmHigh: metric above the target value. */
    AlarmRule alarmHigh(TargetTrackingPolicy policy) {
        return new AlarmRule(policy.highAlarmName(), AlarmRule.Comparison.GREATER_THAN, policy.targetValue(),
                highEvaluationPeriods, highDatapointsToAlarm);
    }

    /** The policy's AlarmLow: metric under {@code lowThresholdRatio} × the target value. */
    AlarmRule alarmLow(TargetTrackingPolicy policy) {
        return new AlarmRule(policy.lowAlarmName(), AlarmRule.Comparison.LESS_THAN, policy.targetValue() * lowThresholdRatio,
                lowEvaluationPeriods, lowDatapointsToAlarm);
    }
}
