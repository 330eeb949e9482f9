package dev.preflight.alb;

import java.util.Objects;

/**
 * A registered target: an ECS task's address. The id is how the caller names it (AWS uses the
 * instance id or the IP address; ECS tasks in awsvpc mode are registered by IP and port).
 */
public record Target(String id, String host, int port) {
    public Target {
        Objects.requireNonNull(id, "target id");
        Objects.requireNonNull(host, "target host");
        if (id.isBlank()) {
            throw new IllegalArgumentException("target id must not be blank (host " + host + ", port " + port + ")");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("target " + id + ": port " + port + " is outside 1-65535");
        }
    }
}
