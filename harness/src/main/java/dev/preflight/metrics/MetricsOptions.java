package dev.preflight.metrics;

/**
 * How the runtime measures and publishes its metrics.
 *
 * @param periodSeconds            the metric period in AWS seconds (CloudWatch's 60), compressed by the
 *                                 runtime's time scale: 1 s real at the default factor 60
 * @param retentionPeriods         how many periods each series keeps in memory
 * @param mirrorToCloudWatch       whether datapoints are also sent to the AWS engine with PutMetricData
 * @param reportIdlePeriods        whether a period without requests still gets ALB RequestCount (0) and
 *                                 RequestCountPerTarget (0) datapoints. AWS publishes ALB metrics only while
 *                                 requests flow, so a target group without traffic has no datapoints and
 *                                 alarms on them go INSUFFICIENT_DATA: false (the default) reproduces that
 * @param healthSamplesPerPeriod   how often per period HealthyHostCount is sampled (its Average)
 */
public record MetricsOptions(double periodSeconds, int retentionPeriods, boolean mirrorToCloudWatch, boolean reportIdlePeriods,
                             int healthSamplesPerPeriod) {
    public static final double DEFAULT_PERIOD_SECONDS = 60;

    public MetricsOptions {
        if (!(periodSeconds > 0)) {
            throw new IllegalArgumentException("periodSeconds must be positive, got " + periodSeconds);
        }
        if (retentionPeriods < 16) {
            throw new IllegalArgumentException("retentionPeriods must be at least 16 (the longest alarm window is 15), got " + retentionPeriods);
        }
        if (healthSamplesPerPeriod < 1 || healthSamplesPerPeriod > 100) {
            throw new IllegalArgumentException("healthSamplesPerPeriod must be between 1 and 100, got " + healthSamplesPerPeriod);
        }
    }

    public static MetricsOptions defaults() {
        return new MetricsOptions(DEFAULT_PERIOD_SECONDS, 3600, true, false, 10);
    }

    public MetricsOptions withPeriodSeconds(double seconds) {
        return new MetricsOptions(seconds, retentionPeriods, mirrorToCloudWatch, reportIdlePeriods, healthSamplesPerPeriod);
    }

    public MetricsOptions withRetentionPeriods(int periods) {
        return new MetricsOptions(periodSeconds, periods, mirrorToCloudWatch, reportIdlePeriods, healthSamplesPerPeriod);
    }

    public MetricsOptions withMirrorToCloudWatch(boolean mirror) {
        return new MetricsOptions(periodSeconds, retentionPeriods, mirror, reportIdlePeriods, healthSamplesPerPeriod);
    }

    public MetricsOptions withReportIdlePeriods(boolean report) {
        return new MetricsOptions(periodSeconds, retentionPeriods, mirrorToCloudWatch, report, healthSamplesPerPeriod);
    }

    public MetricsOptions withHealthSamplesPerPeriod(int samples) {
        return new MetricsOptions(periodSeconds, retentionPeriods, mirrorToCloudWatch, reportIdlePeriods, samples);
    }
}
