package dev.preflight.alb;

import java.time.Duration;

/**
 * How a deregistration ended: the target is {@code unused}.
 *
 * @param inFlightAtDeregistration requests the target was serving when it began draining
 * @param requestsCut requests still open when the deregistration delay ran out; their clients got 502
 * @param delayExpired whether the deregistration delay ran out (false: the in-flight requests finished first)
 * @param elapsed real (compressed) time from deregister to unused
 */
public record DeregistrationResult(String targetId, int inFlightAtDeregistration, int requestsCut,
                                   boolean delayExpired, Duration elapsed) {
    static DeregistrationResult notRegistered(String targetId) {
        return new DeregistrationResult(targetId, 0, 0, false, Duration.ZERO);
    }
}
