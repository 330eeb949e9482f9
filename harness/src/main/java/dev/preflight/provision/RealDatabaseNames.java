package dev.preflight.provision;

import dev.preflight.topology.DbInstance;
import dev.preflight.topology.Topology;

/**
 * Names of the real PostgreSQL role and database behind an RDS instance. All environments (and
 * every scenario's copy of one) share one PostgreSQL server, and roles are server-wide, so both
 * carry the project and environment: {@code shop_admin_shop_dev}, {@code shop_shop_dev}.
 */
final class RealDatabaseNames {
    private RealDatabaseNames() {
    }

    static String role(Topology topology, DbInstance db) {
        return sanitize(db.masterUsername() + "_" + topology.naming().prefix());
    }

    static String database(Topology topology, DbInstance db) {
        return sanitize(db.databaseName() + "_" + topology.naming().prefix());
    }

    private static String sanitize(String name) {
        return name.toLowerCase().replaceAll("[^a-z0-9_]", "_");
    }
}
