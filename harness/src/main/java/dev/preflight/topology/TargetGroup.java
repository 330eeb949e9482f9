package dev.preflight.topology;

/** Defaults are AWS's (docs/aws-behaviour.md section 3). */
public record TargetGroup(Integer port, HealthCheck healthCheck, Integer deregistrationDelaySeconds, String algorithm) {
    public TargetGroup {
        healthCheck = healthCheck == null ? new HealthCheck(null, null, null, null, null, null) : healthCheck;
        deregistrationDelaySeconds = deregistrationDelaySeconds == null ? 300 : deregistrationDelaySeconds;
        algorithm = algorithm == null ? "round_robin" : algorithm;
    }

    public TargetGroup withDeregistrationDelaySeconds(int seconds) {
        return new TargetGroup(port, healthCheck, seconds, algorithm);
    }

    public TargetGroup withHealthCheck(HealthCheck check) {
        return new TargetGroup(port, check, deregistrationDelaySeconds, algorithm);
    }

    public record HealthCheck(String path, Integer intervalSeconds, Integer timeoutSeconds,
                              Integer healthyThreshold, Integer unhealthyThreshold, String matcher) {
        public HealthCheck {
            path = path == null ? "/" : path;
            intervalSeconds = intervalSeconds == null ? 30 : intervalSeconds;
            timeoutSeconds = timeoutSeconds == null ? 5 : timeoutSeconds;
            healthyThreshold = healthyThreshold == null ? 5 : healthyThreshold;
            unhealthyThreshold = unhealthyThreshold == null ? 2 : unhealthyThreshold;
            matcher = matcher == null ? "200" : matcher;
        }

        public HealthCheck withPath(String newPath) {
            return new HealthCheck(newPath, intervalSeconds, timeoutSeconds, healthyThreshold, unhealthyThreshold, matcher);
        }
    }
}
