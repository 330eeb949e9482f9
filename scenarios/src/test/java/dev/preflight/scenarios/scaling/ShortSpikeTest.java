package dev.preflight.scenarios.scaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.preflight.ecs.ServiceTimeline;
import dev.preflight.engine.Engines;
import dev.preflight.junit.PreflightEnvironment;
import dev.preflight.report.ScenarioReport;
import dev.preflight.scaling.Autoscaler;
import dev.preflight.scaling.ScalingActivity;
import dev.preflight.scaling.ScalingOptions;
import dev.preflight.scaling.ScalingReport;
import dev.preflight.running.RunningEnvironment;
import dev.preflight.traffic.LoadProfile;
import dev.preflight.traffic.LoadRun;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Target tracking needs three one-minute datapoints above the target (AlarmHigh, 3 of 3): a spike
 * of two minutes is over before it can react, as on AWS; the same load for six minutes scales out.
 * The spikes are given in AWS time and compressed with the control plane (2 s and 6 s of real load
 * at the default time scale); their rate is real: 25 requests/s on one task is 1500 per target per
 * minute, 1.5 times api's target of 1000.
 */
@PreflightEnvironment
class ShortSpikeTest {
    private static final double RATE = 25;

    @Test
    void aTwoMinuteSpikeIsOverBeforeTargetTrackingCanScaleOut(Engines engines) {
        try (RunningEnvironment env = RunningEnvironment.of("dev").withProject("spike2").start(engines)) {
            Autoscaler autoscaler = spike(env, Duration.ofMinutes(2), "A 2-minute spike: over before scale-out");
            try (autoscaler) {
                assertThat(autoscaler.activities("api")).as("scale-out for a spike shorter than AlarmHigh's 3 minutes")
                        .noneMatch(ScalingActivity::changed);
            }
        }
    }

    @Test
    void theSameLoadForSixMinutesScalesOut(Engines engines) {
        try (RunningEnvironment env = RunningEnvironment.of("dev").withProject("spike6").start(engines)) {
            Autoscaler autoscaler = spike(env, Duration.ofMinutes(6), "The same load for 6 minutes: scale-out");
            try (autoscaler) {
                assertThat(autoscaler.activities("api")).filteredOn(ScalingActivity::changed).first()
                        .extracting(ScalingActivity::from, ScalingActivity::to).containsExactly(1, 2); // ceil(1 x 1500 / 1000)
            }
        }
    }

    /** Deploys v1, starts the autoscaler, sends the spike and waits five periods after it; the autoscaler is still running. */
    private static Autoscaler spike(RunningEnvironment env, Duration awsDuration, String title) {
        assertThat(env.pipeline().deploy("api", "v1").succeeded()).as("initial deploy of v1").isTrue();
        Autoscaler autoscaler = Autoscaler.start(env.runtime(), ScalingOptions.defaults());
        try (ServiceTimeline timeline = ServiceTimeline.record(env.runtime().service("api"));
             LoadRun load = env.load(LoadProfile.ofAwsTime(RATE, awsDuration, env.runtime().timeScale())
                     .withPath("/api/version"))) {
            load.awaitCompletion(Duration.ofSeconds(60));
            long evaluated = autoscaler.evaluations();
            await("five evaluations after the spike").atMost(Duration.ofSeconds(30)).until(() -> autoscaler.evaluations() >= evaluated + 5);
            ScenarioReport report = ScenarioReport.named(title).requests(load);
            timeline.addTo(report);
            ScalingReport.addTo(report, autoscaler, "api", load.startedAt());
            report.verdict(load.summary().failed() == 0, load.summary().describe()).write(ScenarioReport.defaultDir());
            assertThat(load.summary().failed()).as("failed requests: %s", load.summary().describe()).isZero();
            return autoscaler;
        } catch (RuntimeException | Error e) {
            autoscaler.close();
            throw e;
        }
    }
}
