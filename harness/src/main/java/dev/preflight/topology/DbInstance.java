package dev.preflight.topology;

import java.util.List;

/** An RDS instance; the harness backs it with a real PostgreSQL database and role. */
public record DbInstance(
        String engine,
        String engineVersion,
        String instanceClass,
        Integer allocatedStorage,
        Boolean multiAz,
        String databaseName,
        String masterUsername,
        String credentialsSecret,
        List<String> subnets,
        List<String> securityGroups) {
    public DbInstance {
        engine = engine == null ? "postgres" : engine;
        allocatedStorage = allocatedStorage == null ? 20 : allocatedStorage;
        multiAz = multiAz != null && multiAz;
        subnets = Maps.copy(subnets);
        securityGroups = Maps.copy(securityGroups);
    }
}
