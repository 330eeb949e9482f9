package dev.preflight.engine;

import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The engine configuration of a run. Every setting is read from a system property
 * ({@code -Dpreflight.engines=embedded}) or else from the matching environment variable
 * ({@code PREFLIGHT_ENGINES=embedded}); the system property wins.
 *
 * <table>
 *   <tr><th>property</th><th>meaning</th></tr>
 *   <tr><td>preflight.engines</td><td>embedded (default), containers or external</td></tr>
 *   <tr><td>preflight.aws.endpoint</td><td>external: the AWS API endpoint URL</td></tr>
 *   <tr><td>preflight.postgres.url</td><td>external: postgresql://user:password@host:port/db of a superuser</td></tr>
 *   <tr><td>preflight.redis.url</td><td>external: redis://host:port</td></tr>
 *   <tr><td>preflight.aws.image</td><td>containers: moto (default) or localstack</td></tr>
 *   <tr><td>preflight.tasks</td><td>processes (default) or containers: how ECS tasks run (containers needs the containers engines)</td></tr>
 *   <tr><td>preflight.moto.command</td><td>embedded: path of moto_server (default: project .venv, then PATH)</td></tr>
 * </table>
 */
public final class EngineSettings {
    public static final String ENGINES_PROPERTY = "preflight.engines";
    public static final String TASKS_PROPERTY = "preflight.tasks";

    private final Function<String, String> properties;
    private final Function<String, String> environment;

    public EngineSettings(Function<String, String> properties, Function<String, String> environment) {
        this.properties = properties;
        this.environment = environment;
    }

    /** Settings from this JVM's system properties and environment. */
    public static EngineSettings fromSystem() {
        return new EngineSettings(System::getProperty, System::getenv);
    }

    /** Settings from maps, for tests. */
    public static EngineSettings of(Map<String, String> properties, Map<String, String> environment) {
        return new EngineSettings(properties::get, environment::get);
    }

    public EngineKind kind() {
        Optional<String> p = Optional.ofNullable(properties.apply(ENGINES_PROPERTY)).filter(s -> !s.isBlank());
        if (p.isPresent()) {
            return EngineKind.parse(p.get(), "system property " + ENGINES_PROPERTY);
        }
        String envName = envName(ENGINES_PROPERTY);
        Optional<String> e = Optional.ofNullable(environment.apply(envName)).filter(s -> !s.isBlank());
        return e.map(v -> EngineKind.parse(v, "environment variable " + envName)).orElse(EngineKind.EMBEDDED);
    }

    /** Whether ECS tasks run as Docker containers (preflight.tasks=containers) rather than processes (the default). */
    public boolean containerTasks() {
        String value = get(TASKS_PROPERTY).orElse("processes").toLowerCase(java.util.Locale.ROOT);
        return switch (value) {
            case "processes", "process" -> false;
            case "containers", "container" -> true;
            default -> throw new EngineException("Unknown " + TASKS_PROPERTY + " '" + value + "'. Fix: set " + TASKS_PROPERTY + " (or "
                    + envName(TASKS_PROPERTY) + ") to processes or containers");
        };
    }

    public Optional<String> get(String property) {
        String p = properties.apply(property);
        if (p != null && !p.isBlank()) {
            return Optional.of(p.trim());
        }
        return Optional.ofNullable(environment.apply(envName(property))).filter(s -> !s.isBlank()).map(String::trim);
    }

    /** A setting the chosen engine cannot do without. */
    public String require(String property, String why) {
        return get(property).orElseThrow(() -> new EngineException("Missing setting " + property + " (or "
                + envName(property) + "): " + why + ". Fix: pass -D" + property + "=... or export " + envName(property)));
    }

    /** Raw environment variable, e.g. LOCALSTACK_AUTH_TOKEN. */
    public Optional<String> env(String name) {
        return Optional.ofNullable(environment.apply(name)).filter(s -> !s.isBlank());
    }

    /** preflight.aws.endpoint -> PREFLIGHT_AWS_ENDPOINT */
    public static String envName(String property) {
        return property.toUpperCase().replace('.', '_');
    }
}
