package dev.preflight.faults;

import java.util.ArrayList;
import java.util.List;

/**
 * The fault proxies in front of a run's PostgreSQL and Redis, which tasks (and the addresses an
 * environment publishes) reach them through. The harness's own administration connects directly.
 */
public final class EngineFaults implements AutoCloseable {
    private final FaultProxy postgres;
    private final FaultProxy redis;

    private EngineFaults(FaultProxy postgres, FaultProxy redis) {
        this.postgres = postgres;
        this.redis = redis;
    }

    public static EngineFaults start(String postgresHost, int postgresPort, String redisHost, int redisPort) {
        FaultProxy pg = FaultProxy.start("postgres", postgresHost, postgresPort);
        try {
            return new EngineFaults(pg, FaultProxy.start("redis", redisHost, redisPort));
        } catch (RuntimeException e) {
            pg.close();
            throw e;
        }
    }

    public FaultProxy postgres() {
        return postgres;
    }

    public FaultProxy redis() {
        return redis;
    }

    /** The proxy of an engine by name (postgres, redis). */
    public FaultProxy of(String engine) {
        return switch (engine) {
            case "postgres" -> postgres;
            case "redis" -> redis;
            default -> throw new IllegalArgumentException("no fault proxy for '" + engine + "': use postgres or redis");
        };
    }

    /** Every fault of both, for the report. */
    public List<FaultProxy.Fault> faults() {
        List<FaultProxy.Fault> all = new ArrayList<>(postgres.faults());
        all.addAll(redis.faults());
        return all;
    }

    @Override
    public void close() {
        try {
            postgres.close();
        } finally {
            redis.close();
        }
    }
}
