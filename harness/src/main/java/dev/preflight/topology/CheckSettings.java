package dev.preflight.topology;

import java.util.List;

/**
 * What {@code preflight check} does for one service ({@code ecs.services.<name>.check}): the load its
 * checks put on it through the load balancer, and the checks it skips by name.
 *
 * <pre>{@code
 * check: { load: { rps: 40, path: /api/version, durationSeconds: 20 }, skip: [scaling] }
 * }</pre>
 */
public record CheckSettings(Load load, List<String> skip) {
    /** The standard checks, by the names {@code --only}, {@code --skip} and {@code skip} use. */
    public static final List<String> CHECKS = List.of("static", "cutover", "task-loss", "bad-release", "scaling", "rotation", "task-role");

    public static final CheckSettings DEFAULTS = new CheckSettings(null, List.of());

    public CheckSettings {
        load = load == null ? new Load(null, null, null, null) : load;
        skip = Maps.copy(skip);
    }

    /**
     * @param rps requests per second (real time) for the cutover, task-loss and bad-release checks
     * @param path the request path; by default one the service's listener rule routes to it
     * @param durationSeconds how long the load of a cutover lasts at least
     * @param host a Host header, for a service reached by a host-header rule
     */
    public record Load(Double rps, String path, Integer durationSeconds, String host) {
    }
}
