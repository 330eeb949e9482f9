package dev.preflight.scaling;

import java.time.Instant;

/** A managed alarm changing state, as CloudWatch's alarm history records it. */
public record AlarmTransition(Instant at, String service, String policyName, String alarmName, AlarmState from, AlarmState to,
                              String reason) {
    @Override
    public String toString() {
        return at + " " + alarmName + " (" + policyName + "): " + from + " -> " + to + ": " + reason;
    }
}
