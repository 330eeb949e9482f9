package dev.preflight.topology;

import java.util.Map;

/** The validation rules of CloudWatch Logs groups: retention values CloudWatch accepts. */
final class LogsRules extends ValidationRules {
    LogsRules(ValidationRules context) {
        super(context);
    }

    void logs() {
        for (Map.Entry<String, LogGroup> entry : present(topology.logs().groups(), "logs.groups")) {
            String path = "logs.groups." + entry.getKey();
            name(path, entry.getKey(), "log group");
            Integer days = entry.getValue().retentionInDays();
            if (days != null && !RETENTION_DAYS.contains(days)) {
                problem(path + ".retentionInDays", "retentionInDays " + days + " is not a value CloudWatch Logs accepts",
                        "use one of " + join(RETENTION_DAYS) + nearest(days));
            }
        }
    }

    private static String nearest(int days) {
        int best = RETENTION_DAYS.get(0);
        for (int allowed : RETENTION_DAYS) {
            if (Math.abs(allowed - days) < Math.abs(best - days)) {
                best = allowed;
            }
        }
        return " (nearest: " + best + ")";
    }
}
