package dev.preflight.scaling;

/**
 * How far a target-tracking policy scales in. AWS documents scale-in only as more gradual than
 * scale-out ("conservative"); the exact rounding is undocumented, so it is configurable.
 */
public enum ScaleInRule {
    /** ceil(current × metric / target): never below what keeps the metric at or under the target. The default. */
    PROPORTIONAL,
    /** One task per scale-in activity (each then waits the scale-in cooldown). */
    ONE_AT_A_TIME
}
