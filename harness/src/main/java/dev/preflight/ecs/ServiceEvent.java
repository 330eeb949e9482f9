package dev.preflight.ecs;

import java.time.Instant;

/**
 * A service event as ECS words it ("(service api) has reached a steady state."), or a deployment
 * state-change event (SERVICE_DEPLOYMENT_IN_PROGRESS, _COMPLETED, _FAILED) with its reason, or
 * Preflight's own {@link #DEADLINE} note: a real-time deadline that decided an outcome (a request cut
 * when the deregistration delay ran out, a SIGKILL after stopTimeout, a task declared unhealthy),
 * with AWS's number, for the report's timeline.
 */
public record ServiceEvent(Instant at, String type, String message) {
    public static final String SERVICE = "SERVICE_EVENT";
    public static final String DEPLOYMENT_IN_PROGRESS = "SERVICE_DEPLOYMENT_IN_PROGRESS";
    public static final String DEPLOYMENT_COMPLETED = "SERVICE_DEPLOYMENT_COMPLETED";
    public static final String DEPLOYMENT_FAILED = "SERVICE_DEPLOYMENT_FAILED";
    public static final String STEADY_STATE = "SERVICE_STEADY_STATE";
    public static final String DEADLINE = "PREFLIGHT_DEADLINE";

    @Override
    public String toString() {
        return at + " " + type + " " + message;
    }
}
