package dev.preflight.scaling;

import java.util.OptionalDouble;

/** What an alarm says for one period: its state, the newest datapoint of its window and CloudWatch-worded reason. */
public record AlarmEvaluation(AlarmRule alarm, AlarmState state, OptionalDouble latest, String reason) {
    public boolean inAlarm() {
        return state == AlarmState.ALARM;
    }
}
