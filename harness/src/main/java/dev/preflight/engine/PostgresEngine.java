package dev.preflight.engine;

/** A real PostgreSQL server reachable as a superuser, in which RDS instances become databases. */
public interface PostgresEngine extends Engine {
    String host();

    int port();

    String superuser();

    String superuserPassword();

    /** The database the superuser connects to for administration. */
    default String adminDatabase() {
        return "postgres";
    }

    default String jdbcUrl(String database) {
        return "jdbc:postgresql://" + host() + ":" + port() + "/" + database;
    }
}
