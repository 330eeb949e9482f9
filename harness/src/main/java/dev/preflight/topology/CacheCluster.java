package dev.preflight.topology;

import java.util.List;

/** An ElastiCache Redis cluster; the harness backs it with a real Redis endpoint. */
public record CacheCluster(
        String engine,
        String engineVersion,
        String nodeType,
        Integer numCacheNodes,
        List<String> subnets,
        List<String> securityGroups) {
    public CacheCluster {
        engine = engine == null ? "redis" : engine;
        numCacheNodes = numCacheNodes == null ? 1 : numCacheNodes;
        subnets = Maps.copy(subnets);
        securityGroups = Maps.copy(securityGroups);
    }
}
