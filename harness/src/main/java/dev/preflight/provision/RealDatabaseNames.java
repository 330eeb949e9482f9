package dev.preflight.provision;

import dev.preflight.topology.DbInstance;
import dev.preflight.topology.Topology;

/**
 * Names of the real PostgreSQL role and database behind an RDS instance. All environments share
 * one PostgreSQL server, and roles are server-wide, so both carry the environment's name.
 */
final class RealDatabaseNames {
    private RealDatabaseNames() {
    }

    static String role(Topology topology, DbInstance db) {
        return sanitize(db.masterUsername() + "_" + topology.environment());
    }

    static String database(Topology topology, DbInstance db) {
        return sanitize(db.databaseName() + "_" + topology.environment());
    }

    private static String sanitize(String name) {
        return name.toLowerCase().replaceAll("[^a-z0-9_]", "_");
    }
}
