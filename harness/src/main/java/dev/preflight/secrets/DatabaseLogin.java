package dev.preflight.secrets;

import dev.preflight.provision.DatabaseSecret;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * A real JDBC login with a database secret's credentials, as a task would make one: the only way
 * to know whether PostgreSQL takes a password (it stores a SCRAM verifier, not the password).
 */
public final class DatabaseLogin {
    private DatabaseLogin() {
    }

    /**
     * @param ok      the login and a {@code select current_user} succeeded
     * @param user    the user the session runs as, when ok
     * @param sqlState e.g. 28P01 (wrong password), 28000 (not permitted to log in); null when ok
     * @param reason  the server's message, which never contains the password; null when ok
     */
    public record Result(boolean ok, String user, String sqlState, String reason) {
        @Override
        public String toString() {
            return ok ? "logged in as " + user : "login refused: " + (sqlState == null ? "" : sqlState + " ") + reason;
        }
    }

    /** Logs in to the secret's host, port and database as its user with its password. */
    public static Result attempt(DatabaseSecret secret) {
        Properties props = new Properties();
        props.setProperty("user", secret.username());
        props.setProperty("password", secret.password());
        props.setProperty("connectTimeout", "5");
        props.setProperty("ApplicationName", "preflight-login-check");
        try (Connection c = DriverManager.getConnection(secret.jdbcUrl(), props);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select current_user")) {
            rs.next();
            return new Result(true, rs.getString(1), null, null);
        } catch (SQLException e) {
            return new Result(false, null, e.getSQLState(), e.getMessage() == null ? e.getClass().getSimpleName()
                    : e.getMessage().replace('\n', ' '));
        }
    }
}
