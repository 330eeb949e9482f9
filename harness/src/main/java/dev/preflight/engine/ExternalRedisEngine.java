package dev.preflight.engine;

import java.net.URI;
import java.time.Duration;

/** A Redis server given as redis://host:port. Never stopped by us. */
public final class ExternalRedisEngine implements RedisEngine {
    private final String host;
    private final int port;

    public ExternalRedisEngine(String url) {
        URI uri = URI.create(url);
        if (!"redis".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new EngineException("preflight.redis.url must look like redis://host:6379. Fix: correct the URL");
        }
        this.host = uri.getHost();
        this.port = uri.getPort() > 0 ? uri.getPort() : 6379;
    }

    @Override
    public void start() {
        Readiness.awaitListening("the external Redis", host, port, Duration.ofSeconds(10));
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
    public void close() {
        // not ours to stop
    }

    @Override
    public String description() {
        return "external Redis at " + host + ":" + port;
    }
}
