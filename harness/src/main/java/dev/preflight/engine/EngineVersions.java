package dev.preflight.engine;

import java.util.Optional;

/**
 * The engine versions a topology declares (RDS PostgreSQL's and ElastiCache Redis's engineVersion),
 * and what becomes of them: the containers engines take their image tags from them; the embedded
 * engines run the binaries they ship, and the plan says which declared version they cannot honour.
 *
 * @param postgres the declared RDS engineVersion ("17", "16.4"), or null
 * @param redis    the declared ElastiCache engineVersion ("7.1", "6.2"), or null
 */
public record EngineVersions(String postgres, String redis) {
    public static final EngineVersions NONE = new EngineVersions(null, null);

    /** {@code postgres:<major>-alpine}: the official image of the declared major version. */
    static Optional<String> postgresImage(String declared) {
        return Optional.ofNullable(declared).filter(v -> !v.isBlank()).map(v -> "postgres:" + major(v) + "-alpine");
    }

    /**
     * {@code redis:<major.minor>-alpine}. ElastiCache 7.1 has no open-source release of that number (the
     * open-source line went 7.0, 7.2): its nearest image is 7.2; "6.x" is 6.2.
     */
    static Optional<String> redisImage(String declared) {
        return Optional.ofNullable(declared).filter(v -> !v.isBlank()).map(v -> "redis:" + redisTag(v) + "-alpine");
    }

    static String redisTag(String declared) {
        String v = declared.trim();
        if (v.equals("7.1") || v.startsWith("7.1.")) {
            return "7.2";
        }
        if (v.equalsIgnoreCase("6.x")) {
            return "6.2";
        }
        String[] parts = v.split("\\.");
        return parts.length >= 2 ? parts[0] + "." + parts[1] : parts[0];
    }

    /** Whether a server of version {@code actual} ("17.11", "7.2.4") honours the declared version: the same major. */
    public static boolean honours(String declared, String actual) {
        return declared == null || declared.isBlank() || major(declared).equals(major(actual));
    }

    private static String major(String version) {
        String v = version.trim();
        int dot = v.indexOf('.');
        return dot < 0 ? v : v.substring(0, dot);
    }
}
