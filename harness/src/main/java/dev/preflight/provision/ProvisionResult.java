package dev.preflight.provision;

import java.io.PrintStream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The changes of one plan, apply or destroy, with the time each resource kind took.
 * {@code environment} is the AWS name prefix, e.g. {@code shop-dev}: project and environment.
 */
public record ProvisionResult(String environment, String operation, List<Change> changes,
                              Map<String, Duration> timeByKind, Duration total) {

    public ProvisionResult {
        changes = List.copyOf(changes);
        timeByKind = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(timeByKind));
    }

    public long count(Change.Action action) {
        return changes.stream().filter(c -> c.action() == action).count();
    }

    /** Everything created, updated or deleted. */
    public long changed() {
        return count(Change.Action.CREATE) + count(Change.Action.UPDATE) + count(Change.Action.DELETE);
    }

    /** Resource names the engine could not delete (see {@link Change.Action#RETAINED}). */
    public List<String> retained() {
        return changes.stream().filter(c -> c.action() == Change.Action.RETAINED).map(Change::resource).toList();
    }

    public List<Change> of(String kind) {
        return changes.stream().filter(c -> c.kind().equals(kind)).toList();
    }

    /** One line per resource kind, as printed while provisioning. */
    public String progressLine(String kind) {
        List<Change> ofKind = of(kind);
        Duration took = timeByKind.getOrDefault(kind, Duration.ZERO);
        return String.format("  %-16s %3d created  %3d updated  %3d unchanged  %3d deleted   %5.2f s", kind,
                count(ofKind, Change.Action.CREATE), count(ofKind, Change.Action.UPDATE),
                count(ofKind, Change.Action.UNCHANGED), count(ofKind, Change.Action.DELETE), took.toMillis() / 1000.0);
    }

    public String summary() {
        String retained = count(Change.Action.RETAINED) == 0 ? ""
                : ", " + count(Change.Action.RETAINED) + " retained by the engine (" + String.join("; ",
                        changes.stream().filter(c -> c.action() == Change.Action.RETAINED).map(Change::toString).toList()) + ")";
        return String.format("%s %s: %d created, %d updated, %d unchanged, %d deleted%s in %.2f s", operation, environment,
                count(Change.Action.CREATE), count(Change.Action.UPDATE), count(Change.Action.UNCHANGED),
                count(Change.Action.DELETE), retained, total.toMillis() / 1000.0);
    }

    public void print(PrintStream out) {
        timeByKind.keySet().forEach(kind -> out.println(progressLine(kind)));
        out.println(summary());
    }

    private static long count(List<Change> changes, Change.Action action) {
        return changes.stream().filter(c -> c.action() == action).count();
    }
}
