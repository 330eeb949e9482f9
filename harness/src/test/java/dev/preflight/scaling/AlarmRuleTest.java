package dev.preflight.scaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.preflight.scaling.AlarmRule.Comparison;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class AlarmRuleTest {
    private static final AlarmRule HIGH = new AlarmRule("AlarmHigh", Comparison.GREATER_THAN, 20, 3, 3);
    private static final AlarmRule LOW = new AlarmRule("AlarmLow", Comparison.LESS_THAN, 18, 15, 15);

    static List<OptionalDouble> window(Double... values) {
        List<OptionalDouble> window = new ArrayList<>();
        for (Double v : values) {
            window.add(v == null ? OptionalDouble.empty() : OptionalDouble.of(v));
        }
        return window;
    }

    static List<OptionalDouble> repeat(double value, int times) {
        List<OptionalDouble> window = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            window.add(OptionalDouble.of(value));
        }
        return window;
    }

    @Test
    void threeOfThreeAboveTheTargetIsAlarm() {
        AlarmEvaluation e = HIGH.evaluate(window(25.0, 30.0, 50.0));
        assertThat(e.state()).isEqualTo(AlarmState.ALARM);
        assertThat(e.latest()).hasValue(50.0);
        assertThat(e.reason()).contains("3 out of the last 3 datapoints [25.0, 30.0, 50.0] were greater than the threshold (20.0)");
    }

    @Test
    void twoOfThreeAboveIsNotAlarm() {
        assertThat(HIGH.evaluate(window(19.0, 30.0, 50.0)).state()).isEqualTo(AlarmState.OK);
        assertThat(HIGH.evaluate(window(50.0, 50.0, 19.9)).state()).isEqualTo(AlarmState.OK);
    }

    @Test
    void theThresholdItselfDoesNotBreach() {
        assertThat(HIGH.evaluate(window(20.0, 20.0, 20.0)).state()).isEqualTo(AlarmState.OK);
        assertThat(LOW.evaluate(repeat(18.0, 15)).state()).isEqualTo(AlarmState.OK);
    }

    @Test
    void noDatapointAtAllIsInsufficientData() {
        AlarmEvaluation e = HIGH.evaluate(window(null, null, null));
        assertThat(e.state()).isEqualTo(AlarmState.INSUFFICIENT_DATA);
        assertThat(e.latest()).isEmpty();
    }

    @Test
    void aMissingDatapointMeansTheWindowCannotReachThreeOfThree() {
        assertThat(HIGH.evaluate(window(50.0, null, 50.0)).state()).isEqualTo(AlarmState.OK);
        assertThat(new AlarmRule("m-of-n", Comparison.GREATER_THAN, 20, 3, 2).evaluate(window(50.0, null, 50.0)).state())
                .isEqualTo(AlarmState.ALARM);
    }

    @Test
    void fifteenOfFifteenBelowIsAlarmLowAndFourteenAreNot() {
        assertThat(LOW.evaluate(repeat(1.0, 15)).state()).isEqualTo(AlarmState.ALARM);
        List<OptionalDouble> fourteen = repeat(1.0, 15);
        fourteen.set(0, OptionalDouble.of(30));
        assertThat(LOW.evaluate(fourteen).state()).isEqualTo(AlarmState.OK);
    }

    @Test
    void theWindowMustMatchTheEvaluationPeriods() {
        assertThatThrownBy(() -> HIGH.evaluate(window(1.0, 2.0))).hasMessageContaining("evaluates 3 periods, got a window of 2");
        assertThatThrownBy(() -> new AlarmRule("bad", Comparison.GREATER_THAN, 1, 3, 4)).hasMessageContaining("datapointsToAlarm");
    }
}
