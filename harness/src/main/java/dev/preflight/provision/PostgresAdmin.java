package dev.preflight.provision;

import dev.preflight.engine.PostgresEngine;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * Superuser work on the real PostgreSQL behind RDS: roles and databases. Identifiers come from the
 * validated topology ([a-z0-9_]); passwords go through quoteLiteral, never into a message.
 */
public final class PostgresAdmin {
    private final PostgresEngine engine;

    public PostgresAdmin(PostgresEngine engine) {
        this.engine = engine;
    }

    private Connection connect(String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", engine.superuser());
        props.setProperty("password", engine.superuserPassword());
        props.setProperty("connectTimeout", "10");
        return DriverManager.getConnection(engine.jdbcUrl(database), props);
    }

    /** The server's version, e.g. "17.11" (SHOW server_version, without a distribution's suffix). */
    public String serverVersion() {
        try (Connection c = connect(engine.adminDatabase()); var st = c.createStatement(); var rs = st.executeQuery("show server_version")) {
            rs.next();
            return rs.getString(1).split(" ")[0];
        } catch (SQLException e) {
            throw new ProvisionException("Cannot ask PostgreSQL (" + engine.description() + ") its version: " + e.getMessage()
                    + ". Fix: check that the engine runs");
        }
    }

    public boolean roleExists(String role) {
        return exists("select 1 from pg_roles where rolname = ?", role);
    }

    public boolean databaseExists(String database) {
        return exists("select 1 from pg_database where datname = ?", database);
    }

    /** Whether the role can log in with this password: the only way to compare a stored password. */
    public boolean canLogin(String role, String password, String database) {
        Properties props = new Properties();
        props.setProperty("user", role);
        props.setProperty("password", password);
        props.setProperty("connectTimeout", "10");
        try (Connection ignored = DriverManager.getConnection(engine.jdbcUrl(database), props)) {
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    public void createRole(String role, String password) {
        execute("create role " + role + " login password " + quoteLiteral(password));
    }

    public void setPassword(String role, String password) {
        execute("alter role " + role + " password " + quoteLiteral(password));
    }

    public void createDatabase(String database, String owner) {
        execute("create database " + database + " owner " + owner);
    }

    public void dropDatabase(String database) {
        execute("drop database if exists " + database + " with (force)");
    }

    public void dropRole(String role) {
        execute("drop role if exists " + role);
    }

    /** Runs statements as the superuser, e.g. to clone a role during a rotation. */
    public void execute(String sql) {
        try (Connection c = connect(engine.adminDatabase()); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new ProvisionException("PostgreSQL at " + engine.host() + ":" + engine.port() + " refused: "
                    + redact(sql) + ": " + e.getMessage());
        }
    }

    private boolean exists(String sql, String value) {
        try (Connection c = connect(engine.adminDatabase()); PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, value);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next();
            }
        } catch (SQLException e) {
            throw new ProvisionException("Cannot query PostgreSQL at " + engine.host() + ":" + engine.port() + ": " + e.getMessage());
        }
    }

    private static String quoteLiteral(String value) {
        return "'" + value.replace("'", "''") + "'";
    }

    /** Statements may carry a password literal: never show it. */
    private static String redact(String sql) {
        return sql.replaceAll("'[^']*'", "'***'");
    }
}
