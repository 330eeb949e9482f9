package dev.preflight.scaling;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.metrics.MetricId;
import dev.preflight.scaling.ScalingActivity.Direction;
import dev.preflight.scaling.ScalingActivity.Limit;
import dev.preflight.scaling.ScalingActivity.Status;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/** The target-tracking rules of docs/aws-behaviour.md section 4, without any process or engine. */
class TargetTrackingTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final ScalingOptions OPTIONS = ScalingOptions.defaults();

    /** A policy with 60 s scale-out and 300 s scale-in cooldowns, compressed by 60 (1 s and 5 s). */
    static TargetTrackingPolicy policy(String name, double target, boolean disableScaleIn) {
        return new TargetTrackingPolicy(name, "arn:" + name, "ALBRequestCountPerTarget", MetricId.of("AWS/ApplicationELB", name), target,
                60, 300, Duration.ofSeconds(1), Duration.ofSeconds(5), disableScaleIn, name + "-AlarmHigh", name + "-AlarmLow");
    }

    static TargetTrackingPolicy policy(double target) {
        return policy("requests", target, false);
    }

    /** What the policy's alarms say when the metric held {@code value} through both windows (null: no data). */
    static PolicyEvaluation steady(TargetTrackingPolicy policy, Double value) {
        AlarmRule high = OPTIONS.alarmHigh(policy);
        AlarmRule low = OPTIONS.alarmLow(policy);
        return new PolicyEvaluation(policy, high.evaluate(values(value, high.evaluationPeriods())),
                low.evaluate(values(value, low.evaluationPeriods())));
    }

    private static List<OptionalDouble> values(Double value, int n) {
        return java.util.Collections.nCopies(n, value == null ? OptionalDouble.empty() : OptionalDouble.of(value));
    }

    static ScalingSituation situation(int current, int min, int max, ScalingHistory history, Instant now, PolicyEvaluation... policies) {
        return new ScalingSituation("api", "service/c/api", current, min, max, List.of(policies), history, now, false, false, false,
                ScaleInRule.PROPORTIONAL);
    }

    // ---- capacity ----------------------------------------------------------------------------------

    @Test
    void scaleOutIsProportionalAndRoundsUp() {
        assertThat(TargetTracking.scaleOutCapacity(1, 50, 20)).isEqualTo(3);
        assertThat(TargetTracking.scaleOutCapacity(2, 30, 20)).isEqualTo(3);
        assertThat(TargetTracking.scaleOutCapacity(3, 40, 20)).isEqualTo(6);
        assertThat(TargetTracking.scaleOutCapacity(3, 20.01, 20)).as("any excess adds a task").isEqualTo(4);
        assertThat(TargetTracking.scaleOutCapacity(0, 5, 20)).as("a service at 0 gets one").isEqualTo(1);
    }

    @Test
    void scaleInIsConservative() {
        assertThat(TargetTracking.scaleInCapacity(3, 1.6, 20, ScaleInRule.PROPORTIONAL)).isEqualTo(1);
        assertThat(TargetTracking.scaleInCapacity(4, 15, 20, ScaleInRule.PROPORTIONAL)).as("ceil keeps the metric at or under target").isEqualTo(3);
        assertThat(TargetTracking.scaleInCapacity(3, 0, 20, ScaleInRule.PROPORTIONAL)).isZero();
        assertThat(TargetTracking.scaleInCapacity(4, 0, 20, ScaleInRule.ONE_AT_A_TIME)).isEqualTo(3);
    }

    // ---- scale-out ---------------------------------------------------------------------------------

    @Test
    void loadAboveTheTargetScalesOutToTheProportionalCount() {
        ScalingDecision d = TargetTracking.decide(situation(1, 1, 4, null, T0, steady(policy(20), 50.0)));

        assertThat(d.desired()).hasValue(3);
        ScalingActivity a = d.activities().get(0);
        assertThat(a.direction()).isEqualTo(Direction.SCALE_OUT);
        assertThat(a.status()).isEqualTo(Status.SUCCESSFUL);
        assertThat(a).extracting(ScalingActivity::from, ScalingActivity::to, ScalingActivity::wanted).containsExactly(1, 3, 3);
        assertThat(a.alarmName()).isEqualTo("requests-AlarmHigh");
        assertThat(a.metricValue()).isEqualTo(50.0);
        assertThat(a.description()).isEqualTo("Setting desired count to 3.");
        assertThat(a.cause()).isEqualTo("monitor alarm requests-AlarmHigh in state ALARM triggered policy requests");
        assertThat(d.history().lastScaleOutAt()).isEqualTo(T0);
    }

    @Test
    void noScalingOnInsufficientData() {
        ScalingDecision d = TargetTracking.decide(situation(3, 1, 4, null, T0, steady(policy(20), null)));
        assertThat(d.desired()).isEmpty();
        assertThat(d.activities()).isEmpty();
    }

    @Test
    void aMetricAtTheTargetChangesNothing() {
        ScalingDecision d = TargetTracking.decide(situation(3, 1, 4, null, T0, steady(policy(20), 19.0)));
        assertThat(d.desired()).isEmpty();
        assertThat(d.activities()).isEmpty();
    }

    @Test
    void scaleOutIsCappedAtMaxAndTheWishIsRecorded() {
        ScalingDecision partly = TargetTracking.decide(situation(1, 1, 2, null, T0, steady(policy(20), 50.0)));
        assertThat(partly.desired()).hasValue(2);
        assertThat(partly.activities().get(0)).extracting(ScalingActivity::status, ScalingActivity::limit, ScalingActivity::wanted)
                .containsExactly(Status.SUCCESSFUL, Limit.MAX_CAPACITY, 3);
        assertThat(partly.activities().get(0).reason()).isEqualTo("capped at the maximum capacity 2 (wanted 3)");

        ScalingDecision atMax = TargetTracking.decide(situation(1, 1, 1, null, T0, steady(policy(20), 50.0)));
        assertThat(atMax.desired()).isEmpty();
        ScalingActivity capped = atMax.activities().get(0);
        assertThat(capped).extracting(ScalingActivity::status, ScalingActivity::limit, ScalingActivity::from, ScalingActivity::to,
                ScalingActivity::wanted).containsExactly(Status.CAPPED, Limit.MAX_CAPACITY, 1, 1, 3);
        assertThat(capped.reason()).isEqualTo("wanted 3 but the maximum capacity is 1");
        assertThat(capped.changed()).isFalse();
    }

    @Test
    void duringTheScaleOutCooldownOnlyALargerScaleOutHappens() {
        TargetTrackingPolicy p = policy(20);
        ScalingDecision first = TargetTracking.decide(situation(1, 1, 10, null, T0, steady(p, 50.0)));
        assertThat(first.desired()).hasValue(3);
        Instant inCooldown = T0.plusMillis(500);

        // The new tasks do not serve yet: the metric is as high; computed from 1 again it asks for 3, no more.
        ScalingDecision same = TargetTracking.decide(situation(3, 1, 10, first.history(), inCooldown, steady(p, 50.0)));
        assertThat(same.desired()).isEmpty();
        assertThat(same.activities().get(0)).extracting(ScalingActivity::status, ScalingActivity::limit)
                .containsExactly(Status.BLOCKED, Limit.SCALE_OUT_COOLDOWN);

        // More load meanwhile: a larger scale-out proceeds at once.
        ScalingDecision larger = TargetTracking.decide(situation(3, 1, 10, first.history(), inCooldown, steady(p, 90.0)));
        assertThat(larger.desired()).hasValue(5);

        // After the cooldown the current capacity is the basis again.
        ScalingDecision after = TargetTracking.decide(situation(3, 1, 10, first.history(), T0.plusSeconds(2), steady(p, 30.0)));
        assertThat(after.desired()).hasValue(5);
    }

    // ---- scale-in ----------------------------------------------------------------------------------

    @Test
    void loadBelowTheLowThresholdScalesInHeldAtMin() {
        ScalingDecision d = TargetTracking.decide(situation(3, 1, 4, null, T0, steady(policy(20), 2.0)));
        assertThat(d.desired()).hasValue(1);
        assertThat(d.activities().get(0)).extracting(ScalingActivity::direction, ScalingActivity::from, ScalingActivity::to)
                .containsExactly(Direction.SCALE_IN, 3, 1);
        assertThat(d.activities().get(0).alarmName()).isEqualTo("requests-AlarmLow");

        ScalingDecision belowMin = TargetTracking.decide(situation(3, 2, 4, null, T0, steady(policy(20), 2.0)));
        assertThat(belowMin.desired()).hasValue(2);
        assertThat(belowMin.activities().get(0).limit()).isEqualTo(Limit.MIN_CAPACITY);

        ScalingDecision atMin = TargetTracking.decide(situation(2, 2, 4, null, T0, steady(policy(20), 2.0)));
        assertThat(atMin.desired()).isEmpty();
        assertThat(atMin.activities().get(0)).extracting(ScalingActivity::status, ScalingActivity::limit, ScalingActivity::reason)
                .containsExactly(Status.CAPPED, Limit.MIN_CAPACITY, "wanted 1 but the minimum capacity is 2");
    }

    @Test
    void betweenTheLowThresholdAndTheTargetNothingHappens() {
        // AlarmLow is under 0.9 × target (18): 19 is in neither alarm.
        assertThat(TargetTracking.decide(situation(3, 1, 4, null, T0, steady(policy(20), 19.0))).activities()).isEmpty();
    }

    @Test
    void scaleInIsBlockedDuringItsCooldownButAScaleOutProceedsAndCancelsIt() {
        TargetTrackingPolicy p = policy(20);
        ScalingDecision in = TargetTracking.decide(situation(4, 1, 10, null, T0, steady(p, 12.0)));
        assertThat(in.desired()).hasValue(3);

        ScalingDecision again = TargetTracking.decide(situation(3, 1, 10, in.history(), T0.plusSeconds(2), steady(p, 5.0)));
        assertThat(again.desired()).isEmpty();
        assertThat(again.activities().get(0)).extracting(ScalingActivity::status, ScalingActivity::limit)
                .containsExactly(Status.BLOCKED, Limit.SCALE_IN_COOLDOWN);

        ScalingDecision out = TargetTracking.decide(situation(3, 1, 10, in.history(), T0.plusSeconds(2), steady(p, 40.0)));
        assertThat(out.desired()).hasValue(6);
        assertThat(out.history().lastScaleInAt()).as("the scale-out cancelled the scale-in cooldown").isNull();
        ScalingDecision inAgain = TargetTracking.decide(situation(6, 1, 10, out.history(), T0.plusSeconds(3), steady(p, 5.0)));
        assertThat(inAgain.desired()).hasValue(2);

        ScalingDecision afterCooldown = TargetTracking.decide(situation(3, 1, 10, in.history(), T0.plusSeconds(6), steady(p, 5.0)));
        assertThat(afterCooldown.desired()).hasValue(1);
    }

    @Test
    void noScaleInWhileAnEcsDeploymentIsInProgressButScaleOutContinues() {
        TargetTrackingPolicy p = policy(20);
        ScalingSituation deployingLow = new ScalingSituation("api", "service/c/api", 3, 1, 4, List.of(steady(p, 2.0)), null, T0,
                true, false, false, ScaleInRule.PROPORTIONAL);
        ScalingDecision in = TargetTracking.decide(deployingLow);
        assertThat(in.desired()).isEmpty();
        assertThat(in.activities().get(0).limit()).isEqualTo(Limit.DEPLOYMENT_IN_PROGRESS);

        ScalingSituation deployingHigh = new ScalingSituation("api", "service/c/api", 1, 1, 4, List.of(steady(p, 50.0)), null, T0,
                true, false, false, ScaleInRule.PROPORTIONAL);
        assertThat(TargetTracking.decide(deployingHigh).desired()).hasValue(3);
    }

    @Test
    void disableScaleInKeepsThePolicyFromScalingIn() {
        ScalingDecision d = TargetTracking.decide(situation(3, 1, 4, null, T0, steady(policy("cpu", 70, true), 1.0)));
        assertThat(d.desired()).isEmpty();
        assertThat(d.activities()).isEmpty();
    }

    @Test
    void oneAtATimeScaleInRemovesOneTask() {
        ScalingSituation s = new ScalingSituation("api", "service/c/api", 4, 1, 4, List.of(steady(policy(20), 0.5)), null, T0, false, false,
                false, ScaleInRule.ONE_AT_A_TIME);
        assertThat(TargetTracking.decide(s).desired()).hasValue(3);
    }

    // ---- several policies --------------------------------------------------------------------------

    @Test
    void withSeveralPoliciesAnyScalesOutAndTheLargestWishWins() {
        PolicyEvaluation requests = steady(policy("requests", 20, false), 50.0); // wants 3
        PolicyEvaluation cpu = steady(policy("cpu", 70, false), 140.0); // wants 2
        PolicyEvaluation quiet = steady(policy("memory", 75, false), 10.0); // wants in
        ScalingDecision d = TargetTracking.decide(situation(1, 1, 10, null, T0, quiet, cpu, requests));
        assertThat(d.desired()).hasValue(3);
        assertThat(d.activities().get(0).policyName()).isEqualTo("requests");
    }

    @Test
    void withSeveralPoliciesScaleInOnlyIfAllScaleInEnabledPoliciesWantIt() {
        PolicyEvaluation requestsLow = steady(policy("requests", 20, false), 2.0); // wants 1
        PolicyEvaluation cpuLow = steady(policy("cpu", 70, false), 30.0); // wants ceil(4 × 30 / 70) = 2
        PolicyEvaluation cpuNormal = steady(policy("cpu", 70, false), 65.0);
        PolicyEvaluation cpuNoData = steady(policy("cpu", 70, false), null);
        PolicyEvaluation cpuDisabled = steady(policy("cpu", 70, true), 65.0);

        ScalingDecision both = TargetTracking.decide(situation(4, 1, 10, null, T0, requestsLow, cpuLow));
        assertThat(both.desired()).as("the most conservative wish").hasValue(2);
        assertThat(both.activities().get(0).policyName()).isEqualTo("cpu");

        assertThat(TargetTracking.decide(situation(4, 1, 10, null, T0, requestsLow, cpuNormal)).desired()).isEmpty();
        assertThat(TargetTracking.decide(situation(4, 1, 10, null, T0, requestsLow, cpuNoData)).desired())
                .as("a policy without data does not want in").isEmpty();
        assertThat(TargetTracking.decide(situation(4, 1, 10, null, T0, requestsLow, cpuDisabled)).desired())
                .as("a policy with scale-in disabled has no say").hasValue(1);
    }

    // ---- range -------------------------------------------------------------------------------------

    @Test
    void aDesiredCountOutsideTheRangeIsCorrected() {
        ScalingDecision above = TargetTracking.decide(situation(6, 1, 4, null, T0, steady(policy(20), 19.0)));
        assertThat(above.desired()).hasValue(4);
        assertThat(above.activities().get(0)).extracting(ScalingActivity::direction, ScalingActivity::limit)
                .containsExactly(Direction.CORRECTION, Limit.OUT_OF_RANGE);
        assertThat(TargetTracking.decide(situation(0, 1, 4, null, T0)).desired()).hasValue(1);
    }

    @Test
    void suspendedScaleOutIsRecorded() {
        ScalingSituation s = new ScalingSituation("api", "service/c/api", 1, 1, 4, List.of(steady(policy(20), 50.0)), null, T0, false, true,
                false, ScaleInRule.PROPORTIONAL);
        ScalingDecision d = TargetTracking.decide(s);
        assertThat(d.desired()).isEmpty();
        assertThat(d.activities().get(0).limit()).isEqualTo(Limit.SUSPENDED);
    }

    @Test
    void repeatsOfTheSameNonChangeAreOneEntry() {
        ScalingActivity a = TargetTracking.decide(situation(1, 1, 1, null, T0, steady(policy(20), 50.0))).activities().get(0);
        ScalingActivity b = TargetTracking.decide(situation(1, 1, 1, null, T0.plusSeconds(1), steady(policy(20), 52.0))).activities().get(0);
        assertThat(b.sameAs(a)).isTrue();
        ScalingActivity merged = a.repeated(b.at());
        assertThat(merged.repeats()).isEqualTo(1);
        assertThat(merged.toString()).contains("CAPPED 1 -> 1", "wanted 3 but the maximum capacity is 1", "repeated 1 more times");
        assertThat(merged.label()).isEqualTo("scale-out to 3 capped: max");
    }
}
