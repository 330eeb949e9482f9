package dev.preflight.topology;

import java.util.List;

/**
 * A Secrets Manager secret. Either the credentials of an RDS instance ({@code database}: a JSON
 * string in RDS's format with username, password, engine, host, port, dbname) or a generated random
 * string ({@code generate}). A database secret rotates as its {@code rotation} says: AWS's
 * single-user rotation by default (the user's password changes at once), or alternating users.
 */
public record Secret(String description, String database, Generate generate, Rotation rotation) {
    public static final String SINGLE_USER = "single-user";
    public static final String ALTERNATING_USERS = "alternating-users";
    public static final List<String> STRATEGIES = List.of(SINGLE_USER, ALTERNATING_USERS);

    public Secret {
        description = description == null ? "" : description;
    }

    public Secret(String description, String database, Generate generate) {
        this(description, database, generate, null);
    }

    /**
     * How Secrets Manager rotates it: {@code single-user} (the default, AWS's PostgreSQLSingleUser: the one
     * user's password changes, the old one stops working at once) or {@code alternating-users}
     * (PostgreSQLMultiUser: a clone user takes the new password, the previous user keeps its own until the next rotation).
     */
    public record Rotation(String strategy) {
    }

    public String rotationStrategy() {
        return rotation == null || rotation.strategy() == null ? SINGLE_USER : rotation.strategy();
    }

    public record Generate(Integer length) {
        public Generate {
            length = length == null ? 32 : length;
        }
    }
}
