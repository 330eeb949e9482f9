package dev.preflight.provision;

import dev.preflight.aws.AwsClients;
import dev.preflight.engine.Engines;
import dev.preflight.topology.Topology;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Plan, apply and destroy of a whole topology, kind by kind in dependency order (destroy in
 * reverse). Prints one progress line per resource kind as it goes.
 */
public final class Provisioner {
    private final Topology topology;
    private final AwsClients aws;
    private final Engines engines;
    private final Outputs outputs;
    private final List<ResourceKind> kinds;
    private final PrintStream progress;

    public Provisioner(Topology topology, AwsClients aws, Engines engines, Outputs outputs, PrintStream progress) {
        this.topology = topology;
        this.aws = aws;
        this.engines = engines;
        this.outputs = outputs;
        this.progress = progress;
        this.kinds = List.of(
                new NetworkResources(),
                new IamResources(),
                new SecretResources(),
                new EcrResources(),
                new LogResources(),
                new S3Resources(),
                new RdsResources(),
                new ElastiCacheResources(),
                new LoadBalancerResources(),
                new EcsResources(),
                new AutoScalingResources());
    }

    /** What apply would do, without changing anything. */
    public ProvisionResult plan() {
        return run("plan", kinds, true, false);
    }

    public ProvisionResult apply() {
        return run("apply", kinds, false, false);
    }

    public ProvisionResult destroy() {
        List<ResourceKind> reversed = new ArrayList<>(kinds);
        java.util.Collections.reverse(reversed);
        return run("destroy", reversed, false, true);
    }

    private ProvisionResult run(String operation, List<ResourceKind> order, boolean dryRun, boolean destroy) {
        ProvisionContext ctx = new ProvisionContext(topology, aws, engines, outputs, dryRun);
        Map<String, Duration> times = new LinkedHashMap<>();
        long start = System.nanoTime();
        int before = 0;
        for (ResourceKind kind : order) {
            long kindStart = System.nanoTime();
            ctx.beginKind(kind.title());
            if (destroy) {
                kind.destroy(ctx);
            } else {
                kind.reconcile(ctx);
            }
            times.put(kind.title(), Duration.ofNanos(System.nanoTime() - kindStart));
            List<Change> soFar = ctx.changes();
            ProvisionResult partial = new ProvisionResult(topology.naming().prefix(), operation, soFar.subList(before, soFar.size()), times, Duration.ZERO);
            before = soFar.size();
            if (progress != null) {
                progress.println(partial.progressLine(kind.title()));
            }
        }
        ProvisionResult result = new ProvisionResult(topology.naming().prefix(), operation, ctx.changes(), times,
                Duration.ofNanos(System.nanoTime() - start));
        if (progress != null) {
            progress.println(result.summary());
        }
        return result;
    }
}
