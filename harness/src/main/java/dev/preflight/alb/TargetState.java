package dev.preflight.alb;

import java.util.Locale;

/** AWS's TargetHealth.State values (ALB subset); {@link #toString()} gives AWS's lowercase name. */
public enum TargetState {
    INITIAL, HEALTHY, UNHEALTHY, DRAINING, UNUSED, UNAVAILABLE;

    /** The name the ELBv2 API uses, e.g. {@code healthy}. */
    public String asAws() {
        return name().toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return asAws();
    }
}
