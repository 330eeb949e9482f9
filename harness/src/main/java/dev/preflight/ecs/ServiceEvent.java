package dev.preflight.ecs;

import java.time.Instant;

/**
 * A service event as ECS words it ("(service api) has reached a steady state."), or a deployment
 * state-change event (SERVICE_DEPLOYMENT_IN_PROGRESS, _COMPLETED, _FAILED) with its reason.
 */
public record ServiceEvent(Instant at, String type, String message) {
    public static final String SERVICE = "SERVICE_EVENT";
    public static final String DEPLOYMENT_IN_PROGRESS = "SERVICE_DEPLOYMENT_IN_PROGRESS";
    public static final String DEPLOYMENT_COMPLETED = "SERVICE_DEPLOYMENT_COMPLETED";
    public static final String DEPLOYMENT_FAILED = "SERVICE_DEPLOYMENT_FAILED";
    public static final String STEADY_STATE = "SERVICE_STEADY_STATE";

    @Override
    public String toString() {
        return at + " " + type + " " + message;
    }
}
