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
    /** The engines start Redis with 64 logical databases. */
    private static final int DATABASES = 64;

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

    /**
     * The cluster's database: the one it has, else the lowest free one (released ones are used again:
     * a JVM that provisions and destroys many environments never runs out). WATCHed, so two runs
     * sharing one Redis never take the same database.
     */
    int allocate(String cluster) {
        try (Jedis jedis = new Jedis(engine.host(), engine.port())) {
            for (int attempt = 0; attempt < 20; attempt++) {
                jedis.watch(ALLOCATIONS);
                String existing = jedis.hget(ALLOCATIONS, cluster);
                if (existing != null) {
                    jedis.unwatch();
                    return Integer.parseInt(existing);
                }
                java.util.Set<Integer> used = new java.util.HashSet<>();
                jedis.hvals(ALLOCATIONS).forEach(v -> used.add(Integer.parseInt(v)));
                int index = 1; // database 0 keeps the allocations
                while (used.contains(index)) {
                    index++;
                }
                if (index >= DATABASES) {
                    jedis.unwatch();
                    throw new ProvisionException("Redis has no free logical database for cache cluster " + cluster
                            + " (" + (DATABASES - 1) + " in use). Fix: destroy environments you no longer need");
                }
                redis.clients.jedis.Transaction tx = jedis.multi();
                tx.hset(ALLOCATIONS, cluster, Integer.toString(index));
                if (tx.exec() != null) {
                    return index;
                }
            }
            throw new ProvisionException("Could not allocate a Redis database for cache cluster " + cluster
                    + ": other runs kept changing the allocations. Fix: run again");
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
