package dev.preflight.engine;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import redis.embedded.RedisServer;
import redis.embedded.core.ExecutableProvider;

/**
 * The embedded Redis engine: a real redis-server binary shipped in a Maven artifact
 * (com.github.codemonstur:embedded-redis), unpacked into the run folder, on 127.0.0.1, no persistence.
 */
public final class EmbeddedRedisEngine implements RedisEngine {
    private final ProcessLedger ledger;
    private final Path runDir;
    private RedisServer server;
    private int port;

    public EmbeddedRedisEngine(ProcessLedger ledger, Path runDir) {
        this.ledger = ledger;
        this.runDir = runDir;
    }

    @Override
    public synchronized void start() {
        if (server != null) {
            return;
        }
        Path dir = runDir.resolve("redis");
        EngineException last = null;
        for (int attempt = 1; attempt <= 3 && server == null; attempt++) {
            port = LocalPorts.freePort();
            try {
                Files.createDirectories(dir);
                RedisServer candidate = RedisServer.newRedisServer()
                        .executableProvider(ExecutableProvider.newJarResourceProvider(dir::toFile))
                        .bind(LocalPorts.LOOPBACK)
                        .port(port)
                        .setting("save \"\"")
                        .setting("appendonly no")
                        .setting("dir " + dir)
                        .setting("databases 64")
                        .soutListener(line -> { })
                        .build();
                candidate.start();
                server = candidate;
            } catch (IOException | RuntimeException e) {
                last = new EngineException("Embedded Redis did not start on port " + port + ": " + e.getMessage(), e);
            }
        }
        if (server == null) {
            throw last;
        }
        ledger.trackDescendants();
        Readiness.awaitListening("Redis", LocalPorts.LOOPBACK, port, Duration.ofSeconds(20));
    }

    @Override
    public String host() {
        return LocalPorts.LOOPBACK;
    }

    @Override
    public int port() {
        return port;
    }

    @Override
    public synchronized void close() {
        if (server == null) {
            return;
        }
        try {
            server.stop();
        } catch (IOException e) {
            throw new EngineException("Embedded Redis did not stop cleanly: " + e.getMessage(), e);
        } finally {
            server = null;
        }
    }

    @Override
    public String description() {
        return "embedded Redis 6.2 (codemonstur) at " + host() + ":" + port;
    }
}
