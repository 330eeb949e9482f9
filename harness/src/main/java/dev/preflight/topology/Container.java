package dev.preflight.topology;

import java.util.Map;

/**
 * The service's container. Environment values may hold {@code ${elasticache.<id>.url}},
 * {@code ${s3.<id>.bucket}}, {@code ${rds.<id>.address}} or {@code ${rds.<id>.port}}; secrets map an
 * environment variable to {@code <secret>[:json-key:version-stage:version-id]}, ECS's valueFrom form.
 */
public record Container(Integer port, Integer stopTimeout, String logGroup, ContainerHealthCheck healthCheck,
                        Map<String, String> environment, Map<String, String> secrets) {
    public Container {
        stopTimeout = stopTimeout == null ? 30 : stopTimeout;
        environment = Maps.copy(environment);
        secrets = Maps.copy(secrets);
    }

    /** The same container with one more (or another) environment variable. */
    public Container withEnvironment(String name, String value) {
        Map<String, String> more = new java.util.LinkedHashMap<>(environment);
        more.put(name, value);
        return new Container(port, stopTimeout, logGroup, healthCheck, more, secrets);
    }

    /** Defaults are ECS's: interval 30 s, timeout 5 s, retries 3, no start period. */
    public record ContainerHealthCheck(String command, Integer intervalSeconds, Integer timeoutSeconds,
                                       Integer retries, Integer startPeriodSeconds) {
        public ContainerHealthCheck {
            intervalSeconds = intervalSeconds == null ? 30 : intervalSeconds;
            timeoutSeconds = timeoutSeconds == null ? 5 : timeoutSeconds;
            retries = retries == null ? 3 : retries;
            startPeriodSeconds = startPeriodSeconds == null ? 0 : startPeriodSeconds;
        }
    }
}
