package dev.preflight.scenarios.scaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.preflight.ecs.ServiceScheduler;
import dev.preflight.ecs.ServiceTimeline;
import dev.preflight.engine.Engines;
import dev.preflight.junit.PreflightEnvironment;
import dev.preflight.metrics.AwsMetrics;
import dev.preflight.metrics.CloudWatchMirror;
import dev.preflight.metrics.MetricId;
import dev.preflight.report.ScenarioReport;
import dev.preflight.scaling.Autoscaler;
import dev.preflight.scaling.CountExtremes;
import dev.preflight.scaling.ScalingActivity;
import dev.preflight.scaling.ScalingActivity.Direction;
import dev.preflight.scaling.ScalingActivity.Limit;
import dev.preflight.scaling.ScalingActivity.Status;
import dev.preflight.scaling.ScalingOptions;
import dev.preflight.scaling.ScalingReport;
import dev.preflight.scaling.TargetTracking;
import dev.preflight.scenarios.scaling.PhasedLoad.Phase;
import dev.preflight.running.RunningEnvironment;
import dev.preflight.topology.Overlay;
import dev.preflight.traffic.LoadSummary;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;

/**
 * Target-tracking autoscaling of api as dev declares it (ALBRequestCountPerTarget 1000 and
 * ECSServiceAverageCPUUtilization 70, cooldowns 60 s out and 300 s in, min 1, max 3), measured: load
 * above the target scales it out to the count the rules give (never above max), the quiet after
 * scales it back in to min (never below), no request fails on the way; a policy that cannot work
 * (min = max under load) is reported as such, not silently ignored; with no traffic there is no
 * request datapoint and nothing scales in.
 *
 * <p>The metric is a rate of real traffic (docs/aws-behaviour.md, "Time: two clocks"): 1000
 * requests per target per minute is 16.7 real requests per second per task, whatever the time
 * scale; only the periods, alarms and cooldowns run on the compressed clock.
 *
 * <p>Run once, with process tasks: the rules do not depend on what runs a task, and scaling out and in
 * container tasks is the gate's scaling-cpu fixture (fixtures/changes), which runs on both.
 */
@PreflightEnvironment
class TargetTrackingScalingTest {
    private static final String REQUESTS_PER_TARGET = "ALBRequestCountPerTarget";
    /** dev's own target for api. */
    private static final double TARGET = 1000;
    /**
     * One task: 40 requests/s is 2400 per target per minute, above 1000, so ceil(1 x 2400 / 1000) = 3 tasks, with room
     * either side of the rounding (34 and 50 requests/s). Three tasks then get 800 each: under AlarmLow's 900 too, so
     * AlarmLow counts those periods already and the scale-in follows soon after the load drops (as in AWS:
     * ceil(3 x 800 / 1000) = 3 is no change while the load is high).
     */
    private static final double LOAD = 40;
    /** After the burst a trickle keeps datapoints coming (ELB publishes none without requests): 1 per target. */
    private static final double TRICKLE = 3;
    private static final int HIGH_SECONDS = 16;
    private static final int TRICKLE_SECONDS = 20;
    /** dev's own maximum for api. */
    private static final int MAX = 3;
    private static final String PATH = "/api/version";
    private static final ScalingOptions OPTIONS = ScalingOptions.defaults();

    @Test
    void loadAboveTheTargetScalesOutAndTheQuietAfterScalesBackInWithoutAFailedRequest(Engines engines) {
        try (RunningEnvironment env = RunningEnvironment.of("dev").withProject("scaling").start(engines)) {
            assertThat(env.pipeline().deploy("api", "v1").succeeded()).as("initial deploy of v1").isTrue();
            ServiceScheduler api = env.runtime().service("api");
            int expected = Math.min(MAX, TargetTracking.scaleOutCapacity(1, LOAD * 60, TARGET)); // ceil(1 x 2400 / 1000) = 3

            try (Autoscaler autoscaler = Autoscaler.start(env.runtime(), OPTIONS);
                 ServiceTimeline timeline = ServiceTimeline.record(api);
                 CountExtremes extremes = CountExtremes.watch(api);
                 PhasedLoad load = PhasedLoad.start(env.loadBalancer(), PATH,
                         new Phase(LOAD, Duration.ofSeconds(HIGH_SECONDS)), new Phase(TRICKLE, Duration.ofSeconds(TRICKLE_SECONDS)))) {
                Duration period = autoscaler.metrics().period();
                // AlarmHigh needs 3 periods above target, +1 for the load to fill its first period and +1 for the
                // evaluation; doubled for a busy machine.
                Duration scaleOutBound = period.multipliedBy(2L * (OPTIONS.highEvaluationPeriods() + 2));
                // New tasks: a JVM start and one passing ALB health check; generous.
                Duration taskStartBound = Duration.ofSeconds(20);
                // AlarmLow needs 15 periods under 0.9 × target after the load dropped, +2, doubled.
                Duration scaleInBound = period.multipliedBy(2L * (OPTIONS.lowEvaluationPeriods() + 2));

                await("autoscaler to scale api out").atMost(scaleOutBound.plusSeconds(1)).pollInterval(Duration.ofMillis(50))
                        .until(() -> firstChange(autoscaler, Direction.SCALE_OUT).isPresent());
                ScalingActivity out = firstChange(autoscaler, Direction.SCALE_OUT).orElseThrow();
                await("api to run " + out.to() + " healthy tasks").atMost(taskStartBound)
                        .until(() -> api.runningTasks().size() == out.to() && env.runtime().loadBalancer().targetGroup("api").healthyCount() == out.to());
                Instant scaledOutRunning = Instant.now();

                await("autoscaler to scale api in after the load dropped").atMost(Duration.between(Instant.now(), load.phaseStart(1))
                                .plus(scaleInBound)).pollInterval(Duration.ofMillis(100))
                        .until(() -> firstChange(autoscaler, Direction.SCALE_IN).isPresent());
                ScalingActivity in = firstChange(autoscaler, Direction.SCALE_IN).orElseThrow();
                await("api to run 1 task").atMost(taskStartBound).until(() -> api.runningTasks().size() == 1);
                Instant scaledInRunning = Instant.now();

                load.awaitCompletion(Duration.ofSeconds(60));
                LoadSummary summary = load.summary();
                Instant loadStart = load.phaseStart(0);
                Instant drop = load.phaseStart(1);
                String timing = String.format(Locale.ROOT, """
                                offered: %.0f requests/s for %s, then %.0f requests/s for %s; period %s real (60 s AWS)
                                scale-out %d -> %d decided %.2f s after the load started (bound %.2f s), running and healthy after %.2f s
                                scale-in %d -> %d decided %.2f s after the load dropped (bound %.2f s), one task running after %.2f s
                                desired count between %d and %d, running tasks at most %d (min 1, max %d)
                                requests: %s""",
                        LOAD, Duration.ofSeconds(HIGH_SECONDS), TRICKLE, Duration.ofSeconds(TRICKLE_SECONDS), period,
                        out.from(), out.to(), seconds(loadStart, out.at()), scaleOutBound.toMillis() / 1000.0, seconds(loadStart, scaledOutRunning),
                        in.from(), in.to(), seconds(drop, in.at()), scaleInBound.toMillis() / 1000.0, seconds(drop, scaledInRunning),
                        extremes.minDesired(), extremes.maxDesired(), extremes.maxRunning(), MAX, summary.describe());
                String failures = failures(load);
                System.out.println(timing + "\n" + failures);
                List<software.amazon.awssdk.services.cloudwatch.model.Datapoint> mirrored = readBack(env, autoscaler, loadStart);

                ScenarioReport report = ScenarioReport.named("Autoscaling: api scales out under load and back in when it drops")
                        .requests(load.records(), load.startedAt())
                        .series("offered load", "offered requests/s", load.offered());
                timeline.addTo(report);
                ScalingReport.addTo(report, autoscaler, "api", load.startedAt());
                report.section("Timing", timing)
                        .section("Failed requests (seconds after the load started)", failures)
                        .section("Mirrored to CloudWatch (GetMetricStatistics, 60 s periods)", mirrored.toString())
                        .verdict(summary.failed() == 0 && out.to() == expected && in.to() == 1, "scaled 1 -> " + out.to() + " -> " + in.to()
                                + "; " + summary.describe())
                        .write(ScenarioReport.defaultDir());

                assertThat(out).as("the scale-out").extracting(ScalingActivity::from, ScalingActivity::to, ScalingActivity::status)
                        .containsExactly(1, expected, Status.SUCCESSFUL);
                assertThat(out.metric()).isEqualTo(REQUESTS_PER_TARGET);
                assertThat(out.metricValue()).as("the datapoint acted on").isGreaterThan(TARGET);
                assertThat(out.alarmName()).contains("AlarmHigh");
                assertThat(out.at()).as("scale-out decided within %s of the load's start", scaleOutBound).isBefore(loadStart.plus(scaleOutBound));
                assertThat(in.at()).as("no scale-in while the load was high").isAfter(drop);
                assertThat(in).as("the scale-in").extracting(ScalingActivity::from, ScalingActivity::to).containsExactly(expected, 1);
                assertThat(in.alarmName()).contains("AlarmLow");
                assertThat(autoscaler.alarmHistory("api")).as("AlarmLow went to ALARM").anyMatch(t -> t.alarmName().contains("AlarmLow")
                        && t.to() == dev.preflight.scaling.AlarmState.ALARM);
                assertThat(extremes.maxDesired()).as("desired count never above max").isLessThanOrEqualTo(MAX);
                assertThat(extremes.maxRunning()).as("running tasks never above max").isLessThanOrEqualTo(MAX);
                assertThat(extremes.minDesired()).as("desired count never below min").isGreaterThanOrEqualTo(1);
                assertThat(autoscaler.activities("api")).as("only the autoscaler's changes").filteredOn(ScalingActivity::changed)
                        .allMatch(a -> a.to() >= 1 && a.to() <= MAX);
                assertThat(summary.total()).as("requests sent").isGreaterThan(600);
                assertThat(summary.failed()).as("failed requests through scale-out and scale-in: %s", summary.describe()).isZero();
                assertThat(mirrored).as("RequestCountPerTarget mirrored to the engine's CloudWatch").isNotEmpty();
            }
        }
    }

    @Test
    void aPolicyThatCannotScaleIsReportedNotIgnored(Engines engines) {
        try (RunningEnvironment env = RunningEnvironment.of("dev").withProject("scalecap")
                .withOverlay(Overlay.yaml("min-is-max", "ecs: {services: {api: {autoscaling: {min: 1, max: 1}}}}"))
                .start(engines)) {
            assertThat(env.pipeline().deploy("api", "v1").succeeded()).as("initial deploy of v1").isTrue();
            ServiceScheduler api = env.runtime().service("api");
            int wanted = TargetTracking.scaleOutCapacity(1, LOAD * 60, TARGET);

            try (Autoscaler autoscaler = Autoscaler.start(env.runtime(), OPTIONS);
                 ServiceTimeline timeline = ServiceTimeline.record(api);
                 CountExtremes extremes = CountExtremes.watch(api);
                 PhasedLoad load = PhasedLoad.start(env.loadBalancer(), PATH, new Phase(LOAD, Duration.ofSeconds(12)))) {
                Duration scaleOutBound = autoscaler.metrics().period().multipliedBy(2L * (OPTIONS.highEvaluationPeriods() + 2));
                await("the autoscaler to record the capped scale-out").atMost(scaleOutBound.plusSeconds(1))
                        .until(() -> capped(autoscaler).isPresent());
                load.awaitCompletion(Duration.ofSeconds(60));
                ScalingActivity capped = capped(autoscaler).orElseThrow();
                LoadSummary summary = load.summary();

                ScenarioReport report = ScenarioReport.named("Autoscaling misconfigured: api's policy cannot scale (min = max = 1)")
                        .requests(load.records(), load.startedAt())
                        .series("offered load", "offered requests/s", load.offered());
                timeline.addTo(report);
                ScalingReport.addTo(report, autoscaler, "api", load.startedAt());
                report.caughtAsIntended(true, "api's scaling policy cannot work: " + capped.reason() + " (" + capped.metric() + " "
                                + String.format(Locale.ROOT, "%.1f", capped.metricValue()) + " vs target " + TARGET + ", "
                                + (capped.repeats() + 1) + " times); " + summary.describe())
                        .write(ScenarioReport.defaultDir());

                assertThat(capped).extracting(ScalingActivity::direction, ScalingActivity::from, ScalingActivity::to, ScalingActivity::wanted)
                        .containsExactly(Direction.SCALE_OUT, 1, 1, wanted);
                assertThat(capped.reason()).isEqualTo("wanted " + wanted + " but the maximum capacity is 1");
                assertThat(capped.alarmName()).contains("AlarmHigh");
                assertThat(capped.repeats()).as("the wish repeats while the alarm stays in ALARM, as one entry").isPositive();
                assertThat(autoscaler.activities("api")).noneMatch(ScalingActivity::changed);
                assertThat(extremes.maxDesired()).isEqualTo(1);
                assertThat(env.environment().aws().ecs().describeServices(r -> r.cluster(env.runtime().clusterName())
                        .services(env.runtime().awsServiceName("api"))).services().get(0).desiredCount()).isEqualTo(1);
            }
        }
    }

    @Test
    void withNoTrafficAtAllTheRequestMetricHasNoDataAndNothingScalesIn(Engines engines) {
        try (RunningEnvironment env = RunningEnvironment.of("dev").withProject("scaleidle").start(engines)) {
            assertThat(env.pipeline().deploy("api", "v1").succeeded()).as("initial deploy of v1").isTrue();
            ServiceScheduler api = env.runtime().service("api");

            try (Autoscaler autoscaler = Autoscaler.start(env.runtime(), OPTIONS);
                 ServiceTimeline timeline = ServiceTimeline.record(api);
                 PhasedLoad load = PhasedLoad.start(env.loadBalancer(), PATH, new Phase(LOAD, Duration.ofSeconds(8)))) {
                Duration period = autoscaler.metrics().period();
                await("autoscaler to scale api out").atMost(period.multipliedBy(2L * (OPTIONS.highEvaluationPeriods() + 2)).plusSeconds(1))
                        .until(() -> firstChange(autoscaler, Direction.SCALE_OUT).isPresent());
                load.awaitCompletion(Duration.ofSeconds(30));
                Instant stopped = load.phaseStart(0).plus(load.totalDuration());
                // Once the last datapoint leaves AlarmLow's 15-period window the alarm has no data at all.
                await("AlarmLow of api to have no data").atMost(period.multipliedBy(2L * (OPTIONS.lowEvaluationPeriods() + 2)))
                        .until(() -> autoscaler.alarmHistory("api").stream().anyMatch(t -> t.alarmName().contains("AlarmLow")
                                && t.to() == dev.preflight.scaling.AlarmState.INSUFFICIENT_DATA && t.at().isAfter(stopped)));
                long evaluated = autoscaler.evaluations();
                await("three more evaluations").atMost(period.multipliedBy(10)).until(() -> autoscaler.evaluations() >= evaluated + 3);
                int scaledTo = autoscaler.activities("api").stream().filter(ScalingActivity::changed).reduce((a, b) -> b).orElseThrow().to();

                ScenarioReport report = ScenarioReport.named("Autoscaling: no traffic at all, no request datapoints, no scale-in")
                        .requests(load.records(), load.startedAt())
                        .series("offered load", "offered requests/s", load.offered());
                timeline.addTo(report);
                ScalingReport.addTo(report, autoscaler, "api", load.startedAt());
                report.caughtAsIntended(true, "api stays at " + api.desiredCount() + " tasks with no traffic: the load balancer publishes no"
                                + " RequestCountPerTarget without requests, so AlarmLow is INSUFFICIENT_DATA and target tracking does not"
                                + " scale in (as in AWS). Keep a trickle of traffic or scale on a metric that always has data.")
                        .write(ScenarioReport.defaultDir());

                assertThat(firstChange(autoscaler, Direction.SCALE_IN)).as("scale-in at zero traffic").isEmpty();
                assertThat(api.desiredCount()).isEqualTo(scaledTo);
                assertThat(autoscaler.metrics().series(autoscaler.metrics().serviceTargetGroupMetric("api", AwsMetrics.REQUEST_COUNT_PER_TARGET))
                        .latest().orElseThrow().at()).as("no request datapoint after the traffic stopped").isBefore(stopped.plus(period.multipliedBy(2)));
            }
        }
    }

    private static Optional<ScalingActivity> firstChange(Autoscaler autoscaler, Direction direction) {
        return autoscaler.activities("api").stream().filter(a -> a.changed() && a.direction() == direction).findFirst();
    }

    private static Optional<ScalingActivity> capped(Autoscaler autoscaler) {
        return autoscaler.activities("api").stream().filter(a -> a.status() == Status.CAPPED && a.limit() == Limit.MAX_CAPACITY).findFirst();
    }

    /** Each failed request with when it was due, sent and ended, so it can be set against the scaling events. */
    static String failures(PhasedLoad load) {
        StringBuilder s = new StringBuilder();
        load.records().stream().filter(r -> !r.ok()).forEach(r -> s.append(String.format(Locale.ROOT,
                "due %.3f s, sent %.3f s, ended %.3f s: status %d, %s%n", r.scheduledNanos() / 1e9, r.startNanos() / 1e9,
                r.endNanos() / 1e9, r.status(), r.error())));
        return s.length() == 0 ? "(none)" : s.toString();
    }

    private static double seconds(Instant from, Instant to) {
        return Duration.between(from, to).toMillis() / 1000.0;
    }

    /** What the runtime mirrored to the engine's CloudWatch, read back through the SDK. */
    private static List<software.amazon.awssdk.services.cloudwatch.model.Datapoint> readBack(RunningEnvironment env, Autoscaler autoscaler,
                                                                                             Instant from) {
        autoscaler.metrics().mirror().ifPresent(m -> m.flush(Duration.ofSeconds(10)));
        MetricId perTarget = autoscaler.metrics().serviceTargetGroupMetric("api", AwsMetrics.REQUEST_COUNT_PER_TARGET);
        try (CloudWatchClient cloudWatch = CloudWatchMirror.client(env.environment().aws())) {
            return CloudWatchMirror.read(cloudWatch, perTarget, from.minusSeconds(60), Instant.now().plusSeconds(60), 60);
        }
    }
}
