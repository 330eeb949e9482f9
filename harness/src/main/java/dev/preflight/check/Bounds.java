package dev.preflight.check;

import dev.preflight.topology.Container;
import dev.preflight.topology.DeploymentConfiguration;
import dev.preflight.topology.EcsService;
import dev.preflight.topology.TargetGroup;
import dev.preflight.topology.Topology;
import java.time.Duration;

/**
 * How long AWS may take, from the topology's own numbers, in AWS seconds taken as real ones (an
 * upper bound: the runtime ends real waits as soon as they are decided and compresses the rest).
 */
final class Bounds {
    /** ECS's own scheduling, image pull and task provisioning, per round of tasks. */
    static final Duration ECS_OVERHEAD = Duration.ofSeconds(30);

    private Bounds() {
    }

    /**
     * One round of a rolling deploy: the grace period the team allows a new task, its health checks
     * passing (the target group's healthy threshold, the container check's first interval after its
     * start period), the old task's drain and its stopTimeout.
     */
    static Duration round(Topology topology, EcsService service) {
        long seconds = service.healthCheckGracePeriodSeconds() + healthy(topology, service) + drain(topology, service)
                + service.container().stopTimeout();
        return Duration.ofSeconds(seconds).plus(ECS_OVERHEAD);
    }

    /** A rolling deploy from {@code tasks} tasks to the same number of new ones. */
    static Duration rollingDeploy(Topology topology, EcsService service, int tasks) {
        return round(topology, service).multipliedBy(rounds(service.deployment(), tasks));
    }

    /** How many rounds the deployment configuration needs to replace {@code tasks} tasks. */
    static int rounds(DeploymentConfiguration deployment, int tasks) {
        if (tasks <= 0) {
            return 1;
        }
        int extra = (tasks * deployment.maximumPercent()) / 100 - tasks;
        int stoppable = tasks - (int) Math.ceil(tasks * deployment.minimumHealthyPercent() / 100.0);
        int perRound = Math.max(1, Math.max(extra, stoppable));
        return (tasks + perRound - 1) / perRound;
    }

    /** How long a task that fails every check lives: the grace period or the checks' verdict, whichever ends later. */
    static Duration failingTask(Topology topology, EcsService service) {
        long lb = 0;
        TargetGroup tg = targetGroup(topology, service);
        if (tg != null) {
            lb = (long) tg.healthCheck().unhealthyThreshold() * tg.healthCheck().intervalSeconds() + tg.healthCheck().timeoutSeconds();
        }
        long container = 0;
        Container.ContainerHealthCheck hc = service.container().healthCheck();
        if (hc != null) {
            container = hc.startPeriodSeconds() + (long) hc.retries() * (hc.intervalSeconds() + hc.timeoutSeconds());
        }
        return Duration.ofSeconds(Math.max(service.healthCheckGracePeriodSeconds(), Math.max(lb, container))).plus(ECS_OVERHEAD);
    }

    private static long healthy(Topology topology, EcsService service) {
        long lb = 0;
        TargetGroup tg = targetGroup(topology, service);
        if (tg != null) {
            lb = (long) tg.healthCheck().healthyThreshold() * tg.healthCheck().intervalSeconds();
        }
        Container.ContainerHealthCheck hc = service.container().healthCheck();
        long container = hc == null ? 0 : hc.startPeriodSeconds() + hc.intervalSeconds();
        return Math.max(lb, container);
    }

    private static long drain(Topology topology, EcsService service) {
        TargetGroup tg = targetGroup(topology, service);
        return tg == null ? 0 : tg.deregistrationDelaySeconds();
    }

    static TargetGroup targetGroup(Topology topology, EcsService service) {
        if (service.targetGroup() == null || topology.loadBalancer() == null) {
            return null;
        }
        return topology.loadBalancer().targetGroups().get(service.targetGroup());
    }
}
