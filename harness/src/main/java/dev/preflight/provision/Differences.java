package dev.preflight.provision;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What differs between one resource's actual and desired settings, and the calls that fix it. Reported
 * as UNCHANGED when nothing differs, otherwise as one UPDATE that names every difference and runs every
 * fix (unless this is a plan).
 */
final class Differences {
    private final List<String> found = new ArrayList<>();
    private final List<Runnable> fixes = new ArrayList<>();

    /** Notes a difference when actual and desired are not equal; true if they differ. */
    boolean check(String field, Object actual, Object desired) {
        if (Objects.equals(actual, desired)) {
            return false;
        }
        found.add(field + " " + actual + " -> " + desired);
        return true;
    }

    void note(String difference) {
        found.add(difference);
    }

    /** A call that fixes what was noted; runs once, in the order added. */
    void fix(Runnable action) {
        fixes.add(action);
    }

    boolean any() {
        return !found.isEmpty();
    }

    void report(ProvisionContext ctx, String resource) {
        if (found.isEmpty()) {
            ctx.unchanged(resource);
        } else {
            ctx.update(resource, String.join(", ", found), () -> fixes.forEach(Runnable::run));
        }
    }
}
