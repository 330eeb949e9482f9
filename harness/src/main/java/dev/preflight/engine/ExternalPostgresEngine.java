package dev.preflight.engine;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A PostgreSQL server given as postgresql://superuser:password@host:port/database. Never stopped by us. */
public final class ExternalPostgresEngine implements PostgresEngine {
    private final String host;
    private final int port;
    private final String user;
    private final String password;
    private final String database;

    public ExternalPostgresEngine(String url) {
        URI uri = URI.create(url.startsWith("jdbc:") ? url.substring(5) : url);
        if (!"postgresql".equals(uri.getScheme()) || uri.getHost() == null || uri.getUserInfo() == null) {
            throw new EngineException("preflight.postgres.url must look like postgresql://user:password@host:5432/postgres"
                    + " (a superuser, since databases and roles are created). Fix: correct the URL");
        }
        String[] userInfo = uri.getUserInfo().split(":", 2);
        this.host = uri.getHost();
        this.port = uri.getPort() > 0 ? uri.getPort() : 5432;
        this.user = URLDecoder.decode(userInfo[0], StandardCharsets.UTF_8);
        this.password = userInfo.length > 1 ? URLDecoder.decode(userInfo[1], StandardCharsets.UTF_8) : "";
        String path = uri.getPath() == null ? "" : uri.getPath().replaceFirst("^/", "");
        this.database = path.isEmpty() ? "postgres" : path;
    }

    @Override
    public void start() {
        Readiness.awaitListening("the external PostgreSQL", host, port, Duration.ofSeconds(10));
    }

    @Override
    public String host() {
        return host;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public String superuser() {
        return user;
    }

    @Override
    public String superuserPassword() {
        return password;
    }

    @Override
    public String adminDatabase() {
        return database;
    }

    @Override
    public void close() {
        // not ours to stop
    }

    @Override
    public String description() {
        return "external PostgreSQL at " + host + ":" + port;
    }
}
