package dev.preflight.provision;

import dev.preflight.engine.RedisEngine;
import java.util.Optional;
import redis.clients.jedis.Jedis;

/**
 * Gives each ElastiCache cluster its own logical database on the real Redis. The allocation lives
 * in Redis itself (database 0), so it is stable for as long as the server runs.
 */
final class RedisAdmin {
    private static final String ALLOCATIONS = "preflight:elasticache:databases";
    private static final String NEXT = "preflight:elasticache:next";

    private final RedisEngine engine;

    RedisAdmin(RedisEngine engine) {
        this.engine = engine;
    }

    /** The server's version as it answers INFO (redis_version; Valkey answers as the Redis it is compatible with). */
    String serverVersion() {
        try (Jedis jedis = new Jedis(engine.host(), engine.port())) {
            for (String line : jedis.info("server").split("\r?\n")) {
                if (line.startsWith("redis_version:")) {
                    return line.substring("redis_version:".length()).trim();
                }
            }
            return "unknown";
        }
    }

    Optional<Integer> databaseOf(String cluster) {
        try (Jedis jedis = new Jedis(engine.host(), engine.port())) {
            return Optional.ofNullable(jedis.hget(ALLOCATIONS, cluster)).map(Integer::parseInt);
        }
    }

    int allocate(String cluster) {
        try (Jedis jedis = new Jedis(engine.host(), engine.port())) {
            String existing = jedis.hget(ALLOCATIONS, cluster);
            if (existing != null) {
                return Integer.parseInt(existing);
            }
            long index = jedis.incr(NEXT); // 1, 2, ...: database 0 keeps the allocations
            if (index >= 64) {
                throw new ProvisionException("Redis has no free logical database for cache cluster " + cluster
                        + " (64 in use). Fix: destroy environments you no longer need");
            }
            jedis.hset(ALLOCATIONS, cluster, Long.toString(index));
            return (int) index;
        }
    }

    void release(String cluster) {
        try (Jedis jedis = new Jedis(engine.host(), engine.port())) {
            String existing = jedis.hget(ALLOCATIONS, cluster);
            if (existing != null) {
                jedis.select(Integer.parseInt(existing));
                jedis.flushDB();
                jedis.select(0);
                jedis.hdel(ALLOCATIONS, cluster);
            }
        }
    }
}
