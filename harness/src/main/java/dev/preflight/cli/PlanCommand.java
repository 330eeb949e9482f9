package dev.preflight.cli;

import dev.preflight.topology.Topology;
import dev.preflight.topology.TopologyLoader;
import dev.preflight.topology.cloudformation.ResourceFate;
import dev.preflight.topology.cloudformation.TemplateRead;
import dev.preflight.topology.cloudformation.TemplateReader;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * What Preflight makes of a topology, before anything runs: for a CloudFormation template or a cdk.out,
 * every resource with what becomes of it (the model element, folded into one, or not emulated and
 * why), then the model it validates into; for a topology folder, the model's resources.
 */
@Command(name = "plan", description = "Print every resource of the topology (a folder, a CloudFormation template or a cdk.out) and what"
        + " Preflight makes of it; exit 2 when it cannot be read.")
final class PlanCommand implements Callable<Integer> {
    @Option(names = "--env", defaultValue = "dev", description = "environment (default: ${DEFAULT-VALUE})")
    String environment;

    @Option(names = "--topology", description = "topology folder, template file or cdk.out (default: -Dpreflight.topology.dir, or preflight/ here)")
    Path topology;

    @Option(names = "--live", description = "compare with the running environment of `make up` instead: drift made by hand shows"
            + " attribute by attribute (exit 1 when there is some; `preflight apply` puts it back)")
    boolean live;

    @Mixin
    TemplateOptions template;

    @Override
    public Integer call() throws Exception {
        template.apply();
        Path source = PreflightCli.topologyDir(topology);
        if (live) {
            JsonNode answer = ControlEndpoint.call(source, environment, "/plan", false);
            answer.path("changes").forEach(c -> System.out.println("  drift: " + c.asText()));
            long changed = answer.path("changed").asLong();
            System.out.println("preflight plan: " + (changed == 0 ? "no drift: " : changed + " resource(s) drifted from the topology; `preflight"
                    + " apply --env " + environment + "` puts them back: ") + answer.path("summary").asText());
            return changed == 0 ? 0 : 1;
        }
        Topology model;
        if (TemplateReader.isTemplate(source)) {
            TemplateRead read = TemplateReader.read(source, TemplateReader.Options.fromSystem());
            System.out.println("preflight plan: stack " + read.stack() + " (" + read.template() + "), " + read.fates().size() + " resources");
            Map<ResourceFate.Kind, Long> counts = new TreeMap<>();
            read.fates().stream().sorted(Comparator.comparing(ResourceFate::kind)).forEach(f -> {
                System.out.println("  " + f.line());
                counts.merge(f.kind(), 1L, Long::sum);
            });
            System.out.println("preflight plan: " + counts.getOrDefault(ResourceFate.Kind.MAPPED, 0L) + " mapped, "
                    + counts.getOrDefault(ResourceFate.Kind.FOLDED, 0L) + " folded into another, "
                    + counts.getOrDefault(ResourceFate.Kind.NOT_EMULATED, 0L) + " not emulated, "
                    + counts.getOrDefault(ResourceFate.Kind.CONDITION_FALSE, 0L) + " not created (condition false)");
            model = new TopologyLoader().loadTemplate(read, environment, java.util.List.of());
        } else {
            model = new TopologyLoader().load(source, environment);
        }
        System.out.println("preflight plan: " + model.naming().prefix() + " in " + model.region() + ": " + model.network().subnets().size()
                + " subnets, " + model.network().securityGroups().size() + " security groups, " + model.ecr().repositories().size()
                + " ECR repositories, " + model.ecs().services().size() + " ECS services " + model.ecs().services().keySet()
                + (model.loadBalancer() == null ? "" : ", load balancer " + model.loadBalancer().name() + " with target groups "
                + model.loadBalancer().targetGroups().keySet()) + ", " + model.rds().size() + " RDS, " + model.elasticache().size()
                + " ElastiCache, " + model.s3().size() + " S3, " + model.secrets().size() + " secrets, " + model.iam().roles().size()
                + " IAM roles; valid");
        return 0;
    }
}
