package dev.preflight.engine;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Which set of backing services a run uses. */
public enum EngineKind {
    /** Local processes, no Docker: moto_server, embedded PostgreSQL, embedded Redis. The default. */
    EMBEDDED,
    /** Testcontainers: moto (or LocalStack) image, postgres image, redis image. Needs Docker. */
    CONTAINERS,
    /** Endpoints someone else runs, given by configuration. */
    EXTERNAL;

    public static EngineKind parse(String value, String source) {
        String wanted = value.trim().toUpperCase(Locale.ROOT);
        return Arrays.stream(values()).filter(k -> k.name().equals(wanted)).findFirst()
                .orElseThrow(() -> new EngineException("Unknown engine '" + value + "' (from " + source + "). Fix: set "
                        + EngineSettings.ENGINES_PROPERTY + " to one of "
                        + Arrays.stream(values()).map(k -> k.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "))));
    }

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
