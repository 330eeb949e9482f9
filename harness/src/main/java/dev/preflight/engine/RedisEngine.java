package dev.preflight.engine;

/** A real Redis server; each ElastiCache cluster gets its own logical database on it. */
public interface RedisEngine extends Engine {
    String host();

    int port();

    default String url(int database) {
        return "redis://" + host() + ":" + port() + "/" + database;
    }
}
