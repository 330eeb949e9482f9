package dev.preflight.check;

import dev.preflight.topology.Autoscaling;
import dev.preflight.topology.DeploymentConfiguration;
import dev.preflight.topology.EcsService;
import dev.preflight.topology.TargetGroup;
import dev.preflight.topology.Topology;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The rules AWS publishes for a service that deploys and scales without dropping requests
 * (docs/aws-behaviour.md), judged on the topology alone ({@link #ofTopology}) and on what this run
 * measured ({@link #ofMeasurements}). Every fix says AWS's reason.
 */
public final class StaticRules {
    public static final String STOP_TIMEOUT = "stop-timeout";
    public static final String DRAIN_COVERS_IDLE = "drain-covers-idle";
    public static final String DEPLOYMENT_PROGRESS = "deployment-progress";
    public static final String AUTOSCALING_MAX = "autoscaling-max";
    public static final String GRACE_PERIOD = "grace-period";
    public static final String HEALTH_CHECK_PATH = "health-check-path";
    public static final String DRAIN_COVERS_LATENCY = "drain-covers-latency";
    public static final String STOP_COVERS_SHUTDOWN = "stop-covers-shutdown";

    private StaticRules() {
    }

    /**
     * The rules that need nothing but the topology: what `preflight validate` and the gate's first step
     * report; least privilege ({@link LeastPrivilegeRules}) is judged for the environment's roles as a whole.
     */
    public static List<Verdict> ofTopology(Topology topology) {
        List<Verdict> verdicts = new ArrayList<>();
        for (Map.Entry<String, EcsService> e : topology.ecs().services().entrySet()) {
            String name = e.getKey();
            EcsService service = e.getValue();
            TargetGroup tg = Bounds.targetGroup(topology, service);
            if (tg != null) {
                int stop = service.container().stopTimeout();
                int drain = tg.deregistrationDelaySeconds();
                int idle = topology.loadBalancer().idleTimeoutSeconds();
                verdicts.add(Verdict.of(stop > drain, STOP_TIMEOUT, name,
                        "stopTimeout " + stop + " s vs deregistrationDelaySeconds " + drain + " s of target group " + service.targetGroup(),
                        "AWS advises stopTimeout > deregistration delay > client timeout: a task stopped outside a deployment (a Spot"
                                + " interruption, StopTask, a lost host) gets its stop signal while it still drains, and SIGKILL at"
                                + " stopTimeout cuts what is in flight; raise container.stopTimeout to " + Math.min(120, drain + 10)
                                + " s (Fargate allows up to 120 s) or lower the deregistration delay"));
                verdicts.add(Verdict.of(drain > idle, DRAIN_COVERS_IDLE, name,
                        "deregistrationDelaySeconds " + drain + " s vs the load balancer's idle timeout " + idle + " s",
                        "a client may keep a request or an idle connection open up to the idle timeout; the ALB cuts what is still open"
                                + " when the deregistration delay ends: raise deregistrationDelaySeconds of " + service.targetGroup()
                                + " above " + idle + " s (or lower loadBalancer.idleTimeoutSeconds)"));
            }
            verdicts.add(deploymentProgress(name, service));
            verdicts.add(autoscalingMax(name, service));
        }
        verdicts.addAll(LeastPrivilegeRules.of(topology));
        return verdicts;
    }

    /** At every count autoscaling allows (and the desired count) a deployment must be able to start or stop a task. */
    static Verdict deploymentProgress(String name, EcsService service) {
        DeploymentConfiguration d = service.deployment();
        int min = d.minimumHealthyPercent();
        int max = d.maximumPercent();
        List<Integer> counts = counts(service);
        Optional<Integer> stuck = counts.stream().filter(n -> n > 0)
                .filter(n -> (int) Math.ceil(n * min / 100.0) >= n && (n * max) / 100 <= n).findFirst();
        if (stuck.isEmpty()) {
            return Verdict.passed(DEPLOYMENT_PROGRESS, name, "minimumHealthyPercent " + min + ", maximumPercent " + max
                    + " can start or stop a task at " + describe(counts) + " tasks");
        }
        int n = stuck.get();
        return Verdict.failed(DEPLOYMENT_PROGRESS, name, "with " + n + " task" + (n == 1 ? "" : "s") + ", minimumHealthyPercent " + min
                        + " keeps every task running and maximumPercent " + max + " allows no extra one",
                "ECS would report \"unable to stop or start tasks during a deployment because of the service deployment configuration\""
                        + " and the deploy would stall: raise maximumPercent to at least " + Math.min(200, (100 * (n + 1) + n - 1) / n)
                        + " or lower minimumHealthyPercent to " + (100 * (n - 1)) / n + " or less");
    }

    static Verdict autoscalingMax(String name, EcsService service) {
        Autoscaling scaling = service.autoscaling();
        if (scaling == null || scaling.max() == null) {
            return Verdict.skipped(AUTOSCALING_MAX, name, "no autoscaling declared");
        }
        int desired = service.desiredCount();
        return Verdict.of(scaling.max() >= desired && (scaling.min() == null || scaling.min() <= desired), AUTOSCALING_MAX, name,
                "desiredCount " + desired + ", autoscaling min " + scaling.min() + ", max " + scaling.max(),
                "Application Auto Scaling moves the desired count into [min, max] at its first evaluation, so a desired count outside"
                        + " it is undone right after the deploy: set max >= desiredCount >= min");
    }

    /** The rules on what the run measured: start-up, the health-check path, latency and shutdown. */
    static List<Verdict> ofMeasurements(Topology topology, Measurements measured, List<String> services) {
        List<Verdict> verdicts = new ArrayList<>();
        for (String name : services) {
            EcsService service = topology.ecs().services().get(name);
            TargetGroup tg = Bounds.targetGroup(topology, service);
            Optional<Duration> startup = measured.longestStartup(name);
            int grace = service.healthCheckGracePeriodSeconds();
            verdicts.add(startup.map(s -> Verdict.of(grace >= Math.ceil(s.toMillis() / 1000.0), GRACE_PERIOD, name,
                    String.format(Locale.ROOT, "healthCheckGracePeriodSeconds %d s vs the proposed image's start-up %.1f s (task start to"
                            + " its first passing health check, longest in this run)", grace, s.toMillis() / 1000.0),
                    "ECS stops a task that fails its health checks once the grace period is over: a grace period shorter than the"
                            + " start-up kills slow-starting tasks in a loop; set healthCheckGracePeriodSeconds to at least "
                            + (long) Math.ceil(s.toMillis() / 1000.0 * 1.5 + 1) + " s"))
                    .orElse(Verdict.skipped(GRACE_PERIOD, name, "no task of the proposed image became healthy in this run")));
            if (tg != null) {
                verdicts.add(measured.healthProbe(name).map(p -> Verdict.of(p.matches(), HEALTH_CHECK_PATH, name,
                                "GET " + p.url() + " on a proposed task answered " + (p.status() == 0 ? "nothing" : String.valueOf(p.status()))
                                        + " (matcher " + tg.healthCheck().matcher() + ")",
                                "the ALB sends its health check to " + tg.healthCheck().path() + " and marks a target healthy only on "
                                        + tg.healthCheck().matcher() + ": serve that path in the image or change the target group's"
                                        + " healthCheck.path to one it serves"))
                        .orElse(Verdict.skipped(HEALTH_CHECK_PATH, name, "no proposed task ran in this run")));
                int drain = tg.deregistrationDelaySeconds();
                verdicts.add(measured.p99(name).map(p99 -> Verdict.of(drain * 1000.0 > p99, DRAIN_COVERS_LATENCY, name,
                                String.format(Locale.ROOT, "deregistrationDelaySeconds %d s vs p99 %.0f ms under the cutover's load", drain, p99),
                                "requests still in flight when the deregistration delay ends are cut with a 502: raise"
                                        + " deregistrationDelaySeconds of " + service.targetGroup() + " above the longest request"))
                        .orElse(Verdict.skipped(DRAIN_COVERS_LATENCY, name, "no load was measured")));
            }
            List<Measurements.Shutdown> shutdowns = measured.shutdowns(name);
            if (shutdowns.isEmpty()) {
                verdicts.add(Verdict.skipped(STOP_COVERS_SHUTDOWN, name, "no old task stopped in this run"));
            } else {
                Duration longest = shutdowns.stream().map(Measurements.Shutdown::took).max(Duration::compareTo).orElseThrow();
                long killed = shutdowns.stream().filter(Measurements.Shutdown::killedAtStopTimeout).count();
                int stop = service.container().stopTimeout();
                verdicts.add(Verdict.of(killed == 0, STOP_COVERS_SHUTDOWN, name,
                        String.format(Locale.ROOT, "stopTimeout %d s; %d old task(s) stopped, longest %.1f s from the stop signal to exit%s", stop,
                                shutdowns.size(), longest.toMillis() / 1000.0, killed == 0 ? "" : "; " + killed + " SIGKILLed at stopTimeout (exit 137)"),
                        "ECS sends SIGKILL when stopTimeout runs out after the stop signal, cutting the app's shutdown (open"
                                + " transactions, buffered logs, queue acknowledgements): raise container.stopTimeout above the app's"
                                + " shutdown time (Fargate allows up to 120 s) or make the shutdown faster"));
            }
        }
        return verdicts;
    }

    private static List<Integer> counts(EcsService service) {
        List<Integer> counts = new ArrayList<>();
        counts.add(service.desiredCount());
        Autoscaling scaling = service.autoscaling();
        if (scaling != null && scaling.min() != null && scaling.max() != null) {
            for (int n = Math.max(1, scaling.min()); n <= Math.min(scaling.max(), 10_000); n++) {
                if (!counts.contains(n)) {
                    counts.add(n);
                }
            }
        }
        counts.sort(Integer::compare);
        return counts;
    }

    private static String describe(List<Integer> counts) {
        return counts.size() <= 3 ? counts.toString() : counts.get(0) + ".." + counts.get(counts.size() - 1);
    }
}
