package dev.preflight.topology;

import java.util.List;
import java.util.Map;

/** The validation rules of ElastiCache clusters: engine, node type, subnet group. */
final class ElastiCacheRules extends ValidationRules {
    ElastiCacheRules(ValidationRules context) {
        super(context);
    }

    void elasticache() {
        for (Map.Entry<String, CacheCluster> entry : present(topology.elasticache(), "elasticache")) {
            String path = "elasticache." + entry.getKey();
            CacheCluster cache = entry.getValue();
            name(path, entry.getKey(), "cache cluster");
            maxLength(path, topology.naming().of(entry.getKey()), 50, "cache cluster id");
            oneOf(path + ".engine", cache.engine(), List.of("redis"), "engine");
            if (required(cache.nodeType(), path + ".nodeType", "choose a node type, e.g. cache.t4g.micro")
                    && !cache.nodeType().startsWith("cache.")) {
                problem(path + ".nodeType", "'" + cache.nodeType() + "' is not an ElastiCache node type",
                        "use a node type such as cache.t4g.micro or cache.r6g.large");
            }
            if (cache.numCacheNodes() != 1) {
                problem(path + ".numCacheNodes", "a redis cluster has exactly one node (numCacheNodes is "
                        + cache.numCacheNodes() + ")", "set numCacheNodes: 1");
            }
            subnetGroup(path, cache.subnets(), 1, "a cache subnet group needs at least one subnet");
            securityGroupList(path + ".securityGroups", cache.securityGroups());
        }
    }
}
