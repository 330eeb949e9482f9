package dev.preflight.scaling;

import dev.preflight.metrics.AwsMetrics;
import dev.preflight.metrics.Datapoint;
import dev.preflight.metrics.MetricId;
import dev.preflight.metrics.RuntimeMetrics;
import dev.preflight.report.Sample;
import dev.preflight.report.ScenarioReport;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Puts a service's autoscaling on a scenario report: per policy a chart of the measured metric
 * against its target (and AlarmLow's threshold), a chart of the service's CPU and memory, every
 * scaling activity (and capped or blocked wish) as an event mark, and sections with the activity
 * log, the alarm history and the scalable target's settings. Pair it with
 * {@link dev.preflight.ecs.ServiceTimeline} for desired and running tasks.
 */
public final class ScalingReport {
    private ScalingReport() {
    }

    /** Adds what happened from {@code since} on. */
    public static ScenarioReport addTo(ScenarioReport report, Autoscaler autoscaler, String service, Instant since) {
        RuntimeMetrics metrics = autoscaler.metrics();
        Instant now = Instant.now();
        ScalableTarget target = autoscaler.scalableTarget(service).orElse(null);
        if (target != null) {
            for (TargetTrackingPolicy policy : target.policies()) {
                String chart = policy.metricType() + " of " + service;
                report.series(chart, policy.metric().name() + " (measured)", samples(metrics, policy.metric(), since));
                report.series(chart, "target " + AlarmRule.format(policy.targetValue()),
                        List.of(new Sample(since, policy.targetValue()), new Sample(now, policy.targetValue())));
                double low = autoscaler.options().alarmLow(policy).threshold();
                report.series(chart, "AlarmLow threshold " + AlarmRule.format(low), List.of(new Sample(since, low), new Sample(now, low)));
            }
        }
        String usage = "ECS CPU and memory of " + service + " (% of reservation)";
        report.series(usage, "CPUUtilization", samples(metrics, metrics.ecsMetric(service, AwsMetrics.CPU_UTILIZATION), since));
        report.series(usage, "MemoryUtilization", samples(metrics, metrics.ecsMetric(service, AwsMetrics.MEMORY_UTILIZATION), since));

        List<ScalingActivity> activities = autoscaler.activities(service).stream().filter(a -> !a.lastAt().isBefore(since)).toList();
        for (ScalingActivity a : activities) {
            report.event(a.at(), a.label() + (a.repeats() > 0 ? " (×" + (a.repeats() + 1) + ")" : ""));
        }
        StringBuilder log = new StringBuilder();
        activities.forEach(a -> log.append(a).append('\n'));
        report.section("Scaling activities of " + service, log.length() == 0 ? "(none)" : log.toString());
        StringBuilder alarms = new StringBuilder();
        autoscaler.alarmHistory(service).stream().filter(t -> !t.at().isBefore(since)).forEach(t -> alarms.append(t).append('\n'));
        report.section("Alarm history of " + service, alarms.length() == 0 ? "(no state change)" : alarms.toString());
        report.section("Scalable target of " + service, describe(autoscaler, target));
        return report;
    }

    private static List<Sample> samples(RuntimeMetrics metrics, MetricId id, Instant since) {
        return metrics.series(id).all().stream().filter(p -> !p.at().isBefore(since))
                .map((Datapoint p) -> new Sample(p.at(), p.value())).toList();
    }

    /** The target's range and policies with their alarms, in AWS's numbers and compressed. */
    public static String describe(Autoscaler autoscaler, ScalableTarget target) {
        if (target == null) {
            return "(no scalable target registered in Application Auto Scaling)";
        }
        ScalingOptions o = autoscaler.options();
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "%s: min %d, max %d%s%s; metric period %.0f s (%s real)%n",
                target.resourceId(), target.min(), target.max(), target.scaleOutSuspended() ? ", scale-out suspended" : "",
                target.scaleInSuspended() ? ", scale-in suspended" : "", o.metrics().periodSeconds(), autoscaler.metrics().period()));
        for (TargetTrackingPolicy p : target.policies()) {
            s.append(String.format(Locale.ROOT, "policy %s: %s target %s; scale-out cooldown %d s (%s real), scale-in cooldown %d s (%s real)%s%n",
                    p.policyName(), p.metricType(), AlarmRule.format(p.targetValue()), p.scaleOutCooldownSeconds(), p.scaleOutCooldown(),
                    p.scaleInCooldownSeconds(), p.scaleInCooldown(), p.disableScaleIn() ? ", scale-in disabled" : ""));
            AlarmRule high = o.alarmHigh(p);
            AlarmRule low = o.alarmLow(p);
            s.append(String.format(Locale.ROOT, "  %s: %d of %d datapoints > %s%n  %s: %d of %d datapoints < %s%n  metric: %s%n",
                    high.name(), high.datapointsToAlarm(), high.evaluationPeriods(), AlarmRule.format(high.threshold()),
                    low.name(), low.datapointsToAlarm(), low.evaluationPeriods(), AlarmRule.format(low.threshold()), p.metric()));
        }
        s.append("scale-in rule: ").append(o.scaleInRule()).append('\n');
        return s.toString();
    }
}
