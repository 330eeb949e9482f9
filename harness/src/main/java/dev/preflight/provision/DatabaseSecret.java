package dev.preflight.provision;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The value of a database secret, in the JSON form RDS uses for its managed secrets. Its host and
 * port are the real PostgreSQL's, and username and dbname the real role and database, so a task
 * that reads the secret connects for real.
 */
public record DatabaseSecret(String username, String password, String engine, String host, int port, String dbname) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static DatabaseSecret parse(String json) {
        try {
            return JSON.readValue(json, DatabaseSecret.class);
        } catch (IOException e) {
            // Not chained: the parser's message quotes the input ("Unrecognized token '<the password>'").
            String where = e instanceof JsonProcessingException p && p.getLocation() != null
                    ? " at line " + p.getLocation().getLineNr() + ", column " + p.getLocation().getColumnNr() : "";
            throw new UncheckedIOException("A database secret is not the expected JSON {username, password, engine, host, port, dbname}",
                    new IOException(e.getClass().getSimpleName() + where + " (the parser's message is left out: it may quote the secret)"));
        }
    }

    public String toJson() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("username", username);
        map.put("password", password);
        map.put("engine", engine);
        map.put("host", host);
        map.put("port", port);
        map.put("dbname", dbname);
        try {
            return JSON.writeValueAsString(map);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public DatabaseSecret withPassword(String newPassword) {
        return new DatabaseSecret(username, newPassword, engine, host, port, dbname);
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://" + host + ":" + port + "/" + dbname;
    }

    /** Never prints the password. */
    @Override
    public String toString() {
        return "DatabaseSecret[" + username + "@" + host + ":" + port + "/" + dbname + "]";
    }
}
