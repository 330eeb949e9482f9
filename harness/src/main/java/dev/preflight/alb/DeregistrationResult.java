package dev.preflight.alb;

import java.time.Duration;

/**
 * How a deregistration ended: the target is {@code unused}.
 *
 * @param inFlightAtDeregistration requests the target was serving when it began draining
 * @param requestsCut requests still open when the deregistration delay ran out; their clients got 502
 * @param delayExpired whether the delay ran out with requests in flight (false: they finished first)
 * @param delay the target group's deregistration delay, AWS's number
 * @param drained real time from deregister until nothing was in flight any more (or until the cut)
 * @param elapsed real time from deregister to unused: {@code drained} plus the rest of the delay on
 *                the compressed clock
 */
public record DeregistrationResult(String targetId, int inFlightAtDeregistration, int requestsCut,
                                   boolean delayExpired, Duration delay, Duration drained, Duration elapsed) {
    static DeregistrationResult notRegistered(String targetId) {
        return new DeregistrationResult(targetId, 0, 0, false, Duration.ZERO, Duration.ZERO, Duration.ZERO);
    }
}
