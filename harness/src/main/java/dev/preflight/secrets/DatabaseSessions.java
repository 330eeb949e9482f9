package dev.preflight.secrets;

import dev.preflight.engine.PostgresEngine;
import dev.preflight.environment.Environment;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The open sessions of a role on the real PostgreSQL, as a DBA sees them in pg_stat_activity, and
 * what a DBA revoking access does to them: {@code pg_terminate_backend}, so that pooled
 * connections die too and the next query of a task fails.
 */
public final class DatabaseSessions {
    private final Superuser superuser;

    private DatabaseSessions(PostgresEngine engine) {
        this.superuser = new Superuser(engine);
    }

    public static DatabaseSessions of(Environment env) {
        return new DatabaseSessions(env.engines().postgres());
    }

    public static DatabaseSessions of(PostgresEngine engine) {
        return new DatabaseSessions(engine);
    }

    /** Sessions of {@code role} open now, in every database. */
    public int count(String role) {
        return query("select count(*) from pg_stat_activity where usename = ? and pid <> pg_backend_pid()", role, "count sessions of");
    }

    /** Terminates every session of {@code role}; returns how many were terminated. */
    public int terminate(String role) {
        return query("select count(*) from (select pg_terminate_backend(pid) as terminated from pg_stat_activity"
                + " where usename = ? and pid <> pg_backend_pid()) t where terminated", role, "terminate sessions of");
    }

    private int query(String sql, String role, String action) {
        try (Connection c = superuser.connect(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, role);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot " + action + " role " + role + " on " + superuser.where() + ": "
                    + Superuser.describe(e), e);
        }
    }
}
