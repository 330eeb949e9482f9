package dev.preflight.check;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How many scale-outs a CPU or memory demand needs when a task's share is capped (the scaling check's time bound). */
class ScalingStepsTest {
    @Test
    void aDemandUnderTheCapReachesItsCountInOneScaleOut() {
        // 1.75 task loads at target 70 %: 175 % on one task, capped at 100 % -> ceil(100 / 70) = 2, then 87.5 % on two -> 3.
        assertThat(ScalingCheck.scaleOutSteps(1, 3, 3, 1.75, 100, 70)).isEqualTo(2);
        // 0.9 task loads at target 60 % on one task: 90 % -> ceil(1.5) = 2 at once.
        assertThat(ScalingCheck.scaleOutSteps(1, 2, 2, 0.9, 100, 60)).isEqualTo(1);
        // from two tasks: 2.1 loads at 60 % -> 105 % capped at 100 -> ceil(2 x 100 / 60) = 4 in one.
        assertThat(ScalingCheck.scaleOutSteps(2, 4, 4, 2.1, 100, 60)).isEqualTo(1);
    }

    @Test
    void aCapCloseToTheTargetTakesOneTaskAtATime() {
        // memory capped at 90 % with target 85 %: each scale-out adds only ceil(n x 90 / 85) = n + 1.
        assertThat(ScalingCheck.scaleOutSteps(1, 4, 4, 3.5 * 0.85, 90, 85)).isEqualTo(3);
    }
}
