package dev.preflight.topology;

import java.util.Map;

/**
 * One environment of the reference architecture (base.yaml merged with its overlay), immutable and
 * validated. Field names follow the YAML, which follows AWS's own terms.
 */
public record Topology(
        String project,
        String environment,
        String region,
        Network network,
        Ecr ecr,
        Logs logs,
        Map<String, Secret> secrets,
        Map<String, DbInstance> rds,
        Map<String, CacheCluster> elasticache,
        Map<String, Bucket> s3,
        Iam iam,
        LoadBalancer loadBalancer,
        Ecs ecs) {

    public Topology {
        secrets = Maps.copy(secrets);
        rds = Maps.copy(rds);
        elasticache = Maps.copy(elasticache);
        s3 = Maps.copy(s3);
        ecr = ecr == null ? new Ecr(null) : ecr;
        logs = logs == null ? new Logs(null) : logs;
        iam = iam == null ? new Iam(null) : iam;
    }

    /** The same environment under another project name: a separate copy in the same engines. */
    public Topology withProject(String newProject) {
        return new Topology(newProject, environment, region, network, ecr, logs, secrets, rds, elasticache, s3, iam, loadBalancer, ecs);
    }

    /** The same environment with another load balancer (for scenarios that misconfigure it on purpose). */
    public Topology withLoadBalancer(LoadBalancer newLoadBalancer) {
        return new Topology(project, environment, region, network, ecr, logs, secrets, rds, elasticache, s3, iam, newLoadBalancer, ecs);
    }

    /** The same environment with one ECR repository changed. */
    public Topology withRepository(String name, java.util.function.UnaryOperator<EcrRepository> change) {
        java.util.Map<String, EcrRepository> repositories = new java.util.LinkedHashMap<>(ecr.repositories());
        repositories.put(name, change.apply(repositories.get(name)));
        return new Topology(project, environment, region, network, new Ecr(repositories), logs, secrets, rds, elasticache, s3, iam,
                loadBalancer, ecs);
    }

    /** The same environment with one ECS service changed. */
    public Topology withService(String name, java.util.function.UnaryOperator<EcsService> change) {
        java.util.Map<String, EcsService> services = new java.util.LinkedHashMap<>(ecs.services());
        services.put(name, change.apply(services.get(name)));
        return new Topology(project, environment, region, network, ecr, logs, secrets, rds, elasticache, s3, iam, loadBalancer,
                new Ecs(ecs.cluster(), services));
    }

    /** The same environment with the image builds' folders made absolute against the topology folder. */
    Topology withBuildsResolvedAgainst(java.nio.file.Path topologyDir) {
        java.util.Map<String, EcrRepository> repositories = new java.util.LinkedHashMap<>();
        ecr.repositories().forEach((name, repo) -> repositories.put(name, repo == null ? null : repo.resolvedAgainst(topologyDir)));
        return new Topology(project, environment, region, network, new Ecr(repositories), logs, secrets, rds, elasticache, s3, iam,
                loadBalancer, ecs);
    }

    /** The AWS names of this environment's resources. */
    public Naming naming() {
        return new Naming(project, environment);
    }
}
