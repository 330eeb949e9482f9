package dev.preflight.secrets;

import dev.preflight.engine.PostgresEngine;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * The PostgreSQL superuser, standing for the separate superuser secret an alternating-users
 * rotation uses. Every session turns off statement logging on error, so a password literal of a
 * failed statement never reaches the server's log; errors name the action, never the statement.
 */
final class Superuser {
    private final PostgresEngine engine;

    Superuser(PostgresEngine engine) {
        this.engine = engine;
    }

    Connection connect(String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", engine.superuser());
        props.setProperty("password", engine.superuserPassword());
        props.setProperty("connectTimeout", "10");
        props.setProperty("ApplicationName", "preflight-secrets");
        Connection c = DriverManager.getConnection(engine.jdbcUrl(database), props);
        try (Statement s = c.createStatement()) {
            s.execute("set log_min_error_statement = panic");
            s.execute("set log_statement = 'none'");
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        return c;
    }

    Connection connect() throws SQLException {
        return connect(engine.adminDatabase());
    }

    String where() {
        return "PostgreSQL at " + engine.host() + ":" + engine.port();
    }

    static String identifier(String name) {
        return "\"" + name.replace("\"", "\"\"") + "\"";
    }

    static String literal(String value) {
        if (value.indexOf('\\') >= 0 || value.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("a password with a backslash or NUL is not supported here");
        }
        return "'" + value.replace("'", "''") + "'";
    }

    /** "28P01 FATAL: password authentication failed for user ..." (the server never echoes a password). */
    static String describe(SQLException e) {
        String state = e.getSQLState();
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().replace('\n', ' ');
        return state == null ? message : state + " " + message;
    }
}
