package dev.preflight.topology;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks a bound topology before anything is created: required values, names, CIDRs, references,
 * duplicates and AWS's ranges (docs/aws-behaviour.md). Every problem names the file, the dotted path and
 * the fix; all problems are collected, none stops the others. The rules of each resource kind are
 * in a class of their own ({@code NetworkRules}, {@code EcsRules}, ...), as each kind has its
 * provisioner; this class runs them in order, after the project, environment and region.
 */
final class TopologyValidator extends ValidationRules {
    TopologyValidator(Topology topology, SourceMap sources) {
        super(topology, sources, new ArrayList<>());
    }

    List<TopologyException.Problem> validate() {
        identity();
        new NetworkRules(this).network();
        new EcrRules(this).ecr();
        new LogsRules(this).logs();
        new SecretsRules(this).secrets();
        new RdsRules(this).rds();
        new ElastiCacheRules(this).elasticache();
        new S3Rules(this).s3();
        new IamRules(this).iam();
        new LoadBalancerRules(this).loadBalancer();
        new EcsRules(this).ecs();
        return problems;
    }

    private void identity() {
        if (required(topology.project(), "project", "name the project, e.g. 'project: shop'")
                && !PROJECT.matcher(topology.project()).matches()) {
            problem("project", "'" + topology.project() + "' is not a valid project name (AWS names are built from it)",
                    "use lowercase letters, digits and single hyphens, starting with a letter, e.g. '"
                            + sanitize(topology.project()) + "'");
        }
        String environment = topology.environment();
        if (environment != null && !NAME.matcher(environment).matches()) {
            problems.add(new TopologyException.Problem(sources.overlayFile(), "",
                    "'" + environment + "' is not a valid environment name (AWS names are built from it)",
                    "rename the overlay to lowercase letters, digits and single hyphens, e.g. environments/"
                            + sanitize(environment) + ".yaml"));
        }
        if (required(topology.region(), "region", "name the AWS region, e.g. 'region: eu-west-1'")
                && !REGION.matcher(topology.region()).matches()) {
            problem("region", "'" + topology.region() + "' is not an AWS region code",
                    "write a region code such as eu-west-1 or us-east-1");
        }
    }
}
