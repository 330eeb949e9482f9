package dev.preflight.check;

import dev.preflight.ecs.ServiceScheduler;
import dev.preflight.faults.ServiceStress;
import dev.preflight.report.ScenarioReport;
import dev.preflight.scaling.Autoscaler;
import dev.preflight.scaling.CountExtremes;
import dev.preflight.scaling.ScalingActivity;
import dev.preflight.scaling.ScalingActivity.Direction;
import dev.preflight.topology.Autoscaling;
import dev.preflight.topology.EcsService;
import dev.preflight.traffic.LoadRun;
import dev.preflight.traffic.LoadSummary;
import dev.preflight.traffic.RequestRecord;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.concurrent.atomic.AtomicReference;

/**
 * scaling: each target-tracking policy of a service, one after the other, pushed above its target
 * scales the service out to the count target tracking gives within the alarm's periods, then, pushed
 * below, back in to min after the cooldown, never beyond min and max, with 0 failed requests under a
 * steady load through the load balancer.
 * <ul>
 *   <li>ALBRequestCountPerTarget: requests, at a rate that gives ceil(requests per minute / target).
 *       The metric is a rate of real requests, so the load is exact on any machine.</li>
 *   <li>CPU and memory utilization: a demand of {@code d} task loads spread over the live tasks
 *       ({@link ServiceStress}: a stress sidecar charged to each task, as AWS FIS stresses a task),
 *       which target tracking at target {@code t} % settles at ceil(100 × d / t) tasks. A task's share
 *       stays under what it can hold (100 % CPU: a Fargate task's cpu is a hard limit; 90 % memory:
 *       above its memory the task is killed), so from a small count it may take several scale-outs.
 *       The demand must fit the machine (40 % of its cores, a quarter of its memory); when the machine
 *       gave less than asked, a miss is the machine's, and the verdict says it could not judge.</li>
 * </ul>
 */
final class ScalingCheck {
    static final String NAME = "scaling";
    static final String REQUESTS_PER_TARGET = "ALBRequestCountPerTarget";
    /** Below this share of the demand delivered, a scaling miss is the machine's, not the policy's. */
    private static final double DELIVERED_ENOUGH = 0.85;
    /**
     * A CPU stress runs alone, whatever the gate's parallelism: another service's load or stress would take
     * the cores it measures (write lock); request and memory runs may share the machine (read lock).
     */
    private static final ReadWriteLock CORES = new ReentrantReadWriteLock();

    private ScalingCheck() {
    }

    /** What one policy's run found: a problem (null when none), an error (the check could not judge), its evidence. */
    private record PolicyRun(String metric, String problem, String error, String evidence, String fix) {
    }

    static Verdict run(CheckContext ctx, Autoscaler autoscaler, String service, ServiceLoad load) {
        EcsService model = ctx.service(service);
        Autoscaling scaling = model.autoscaling();
        if (scaling == null || scaling.policies().isEmpty()) {
            return Verdict.skipped(NAME, service, "no autoscaling declared");
        }
        ServiceScheduler scheduler = ctx.env().service(service);
        int from = scheduler.desiredCount();
        if (scaling.max() <= from) {
            return Verdict.skipped(NAME, service, "max capacity " + scaling.max() + " leaves no room above the running " + from + " tasks");
        }
        Instant start = Instant.now();
        List<RequestRecord> records = new ArrayList<>();
        List<PolicyRun> runs = new ArrayList<>();
        List<String> notDriven = new ArrayList<>();
        PolicyRun stopped = null;
        for (Autoscaling.ScalingPolicy policy : scaling.policies()) {
            String cannot = stopped != null ? "not run once " + stopped.metric() + " had failed" : cannotDrive(ctx, model, policy, from);
            if (cannot != null) {
                notDriven.add(policy.metric() + ": " + cannot);
                continue;
            }
            PolicyRun run = runPolicy(ctx, autoscaler, service, load, policy, from, records);
            runs.add(run);
            if (run.problem() != null || run.error() != null) {
                stopped = run; // the verdict is decided: the rest would only cost time
            }
        }
        if (runs.isEmpty()) {
            return Verdict.skipped(NAME, service, String.join("; ", notDriven));
        }
        String evidence = String.join("; ", runs.stream().map(r -> r.metric() + ": " + r.evidence()).toList())
                + (notDriven.isEmpty() ? "" : "; not driven: " + String.join("; ", notDriven));
        PolicyRun failed = runs.stream().filter(r -> r.problem() != null).findFirst().orElse(null);
        PolicyRun error = runs.stream().filter(r -> r.error() != null).findFirst().orElse(null);
        Verdict verdict = failed != null ? Verdict.failed(NAME, service, failed.metric() + ": " + failed.problem() + "; " + evidence, failed.fix())
                : error != null ? Verdict.error(NAME, service, error.metric() + ": " + error.error() + "; " + evidence)
                : Verdict.passed(NAME, service, evidence);
        ScenarioReport report = ScenarioReport.named(ctx.pageTitle(NAME, service)).requests(records, start);
        dev.preflight.scaling.ScalingReport.addTo(report, autoscaler, service, start);
        return verdict.withPage(ctx.writePage(report, verdict));
    }

    /** Why this policy is not driven on this machine, or null. */
    private static String cannotDrive(CheckContext ctx, EcsService model, Autoscaling.ScalingPolicy policy, int from) {
        if (policy.metric().equals(REQUESTS_PER_TARGET)) {
            return null;
        }
        ServiceStress.Resource resource = ServiceStress.Resource.ofMetric(policy.metric()).orElse(null);
        if (resource == null) {
            return "a metric the runtime does not measure";
        }
        double cap = cap(resource);
        if (policy.targetValue() >= cap) {
            return String.format(Locale.ROOT, "its target %.0f %% is not below the %.0f %% a task can reach", policy.targetValue(), cap);
        }
        if (expected(ctx, model, policy, from) <= from) {
            return String.format(Locale.ROOT, "one more task needs %s, more than this machine gives a check (%s)",
                    describe(resource, demand(policy, from + 1) * ServiceStress.reservation(resource, model)), describe(resource, budget(resource)));
        }
        return null;
    }

    private static PolicyRun runPolicy(CheckContext ctx, Autoscaler autoscaler, String service, ServiceLoad load,
                                       Autoscaling.ScalingPolicy policy, int from, List<RequestRecord> records) {
        EcsService model = ctx.service(service);
        ServiceScheduler scheduler = ctx.env().service(service);
        int min = model.autoscaling().min();
        int max = model.autoscaling().max();
        boolean requests = policy.metric().equals(REQUESTS_PER_TARGET);
        ServiceStress.Resource resource = requests ? null : ServiceStress.Resource.ofMetric(policy.metric()).orElseThrow();
        double target = policy.targetValue();
        int expected = expected(ctx, model, policy, from);
        Duration period = autoscaler.metrics().period();
        Duration startBound = Bounds.round(ctx.topology(), model);
        Duration oneScaleOut = period.multipliedBy(2L * (autoscaler.options().highEvaluationPeriods() + 2))
                .plus(ctx.env().runtime().timeScale().compressed(policy.scaleOutCooldownSeconds()));
        int steps = requests ? 1 : scaleOutSteps(from, expected, max, demand(policy, expected), cap(resource), target);
        Duration outBound = oneScaleOut.multipliedBy(steps).plus(startBound.multipliedBy(steps - 1L));
        Duration inBound = period.multipliedBy(2L * (autoscaler.options().lowEvaluationPeriods() + 2))
                .plus(ctx.env().runtime().timeScale().compressed(policy.scaleInCooldownSeconds()));
        // Under the target whatever the count: a steady load whose every request is judged, and the scale-in's own.
        double trickle = Math.max(1, requests ? target / 60.0 * 0.3 * Math.max(1, min) : Math.min(load.rps(), 5));
        double high = target / 60.0 * (expected - 0.5); // requests: ceil(rps x 60 / target) = expected, between the roundings
        double taskLoads = requests ? 0 : demand(policy, expected);
        ctx.progress(NAME, service, requests
                ? String.format(Locale.ROOT, "%s: %.1f requests/s on %s: expect %d -> %d (target %.0f per target per minute), then"
                + " %.1f requests/s: expect back to %d", policy.metric(), high, load.path(), from, expected, target, trickle, min)
                : String.format(Locale.ROOT, "%s: %.2f task loads of %s spread over the tasks, %.1f requests/s on %s: expect %d -> %d"
                + " (target %.0f %%), then none: expect back to %d", policy.metric(), taskLoads, resource.name(), trickle, load.path(),
                from, expected, target, min));
        Duration length = outBound.plus(inBound).plus(startBound.multipliedBy(3)).plusSeconds(60);
        Lock cores = resource == ServiceStress.Resource.CPU ? CORES.writeLock() : CORES.readLock();
        cores.lock();
        String problem = null;
        String error = null;
        ScalingActivity out = null;
        ScalingActivity in = null;
        double delivered = 1;
        Instant start = Instant.now();
        List<RequestRecord> mine = new ArrayList<>();
        try (CountExtremes extremes = CountExtremes.watch(scheduler);
             ServiceStress stress = requests ? null : ServiceStress.start(ctx.env().runtime(), service, resource)) {
            LoadRun pushing = ctx.env().load(load.profile(requests ? high : trickle, length));
            try {
                if (stress != null) {
                    stress.demand(taskLoads, cap(resource));
                }
                out = awaitScaleOut(autoscaler, service, start, expected, outBound);
                if (out == null) {
                    problem = "no scale-out within " + outBound.toSeconds() + " s of the " + (requests ? "load" : "demand");
                } else if (!awaitRunning(scheduler, out.to(), startBound)) {
                    problem = "scaled out to " + out.to() + " but they were not running and healthy within " + startBound.toSeconds() + " s";
                }
                if (stress != null) {
                    delivered = stress.delivered();
                    if (stress.failure() != null) {
                        error = "the stress sidecars could not run: " + stress.failure();
                    }
                    stress.demand(0, 0);
                }
                if (requests) {
                    mine.addAll(stopped(pushing));
                    pushing = ctx.env().load(load.profile(trickle, inBound.plus(startBound).plusSeconds(30)));
                }
                Instant drop = Instant.now();
                if (problem == null && error == null) {
                    in = awaitScaleIn(autoscaler, service, drop, inBound);
                    if (in == null) {
                        problem = "no scale-in within " + inBound.toSeconds() + " s of the " + (requests ? "load" : "demand") + " dropping";
                    } else {
                        awaitRunning(scheduler, in.to(), startBound.multipliedBy(2));
                    }
                }
            } finally {
                mine.addAll(stopped(pushing));
            }
            LoadSummary summary = LoadSummary.of(mine);
            String evidence = String.format(Locale.ROOT, "%d -> %s -> %s (expected %d -> %d -> %d); desired between %d and %d, running at most %d"
                            + " (min %d, max %d)%s; %s", from, out == null ? "?" : out.to(), in == null ? "?" : in.to(), from, expected, min,
                    extremes.minDesired(), extremes.maxDesired(), extremes.maxRunning(), min, max,
                    requests ? "" : String.format(Locale.ROOT, "; %.0f %% of the demand delivered", delivered * 100), summary.describe());
            if (problem == null && out.to() != expected) {
                problem = "scaled out to " + out.to() + ", target tracking gives " + expected;
            }
            if (problem == null && in.to() != min) {
                problem = "scaled in to " + in.to() + ", expected min " + min;
            }
            if (problem == null && (extremes.maxDesired() > max || extremes.minDesired() < min || extremes.maxRunning() > max)) {
                problem = "went beyond min " + min + " / max " + max;
            }
            if (problem == null && summary.failed() > 0) {
                problem = AlbStatus.describeFailures(summary);
            }
            if (error != null) {
                problem = null; // the sidecars did not run: nothing was judged
            } else if (problem != null && !requests && delivered < DELIVERED_ENOUGH && summary.failed() == 0) {
                // The policy was not given what it was to answer: the machine's verdict, not the team's.
                error = String.format(Locale.ROOT, "%s, but the machine gave only %.0f %% of the %s demand (busy with other work):"
                        + " run the check alone (--parallel 1, --only scaling) or on a larger machine", problem, delivered * 100, resource.name());
                problem = null;
            }
            records.addAll(mine);
            // Back to the count the other checks and the team's declared topology expect.
            ctx.env().desiredCount(service, from);
            awaitRunning(scheduler, from, Bounds.rollingDeploy(ctx.topology(), model, Math.max(from, max)));
            return new PolicyRun(policy.metric(), problem, error, evidence, fix(policy, resource));
        } finally {
            cores.unlock();
        }
    }

    private static String fix(Autoscaling.ScalingPolicy policy, ServiceStress.Resource resource) {
        String what = resource == null ? REQUESTS_PER_TARGET + " at " + policy.targetValue() + " per target per minute"
                : resource.metric() + " at " + policy.targetValue() + " %";
        return "target tracking keeps " + what + ": new tasks must pass their health checks before they count, and scale-in drains"
                + " tasks like a deploy (deregistrationDelaySeconds); read the scaling activities on the report page";
    }

    /**
     * The count to aim at: two above the current count, or one, within max; for CPU and memory no
     * more than the machine can give (0 or {@code from}: none fits).
     */
    private static int expected(CheckContext ctx, EcsService model, Autoscaling.ScalingPolicy policy, int from) {
        int max = model.autoscaling().max();
        int expected = Math.min(max, from + 2);
        ServiceStress.Resource resource = ServiceStress.Resource.ofMetric(policy.metric()).orElse(null);
        if (resource == null) {
            return expected;
        }
        while (expected > from && demand(policy, expected) * ServiceStress.reservation(resource, model) > budget(resource)) {
            expected--;
        }
        return expected;
    }

    /** The task loads that give ceil(100 × loads / target) = count: aimed between the roundings. */
    private static double demand(Autoscaling.ScalingPolicy policy, int count) {
        return (count - 0.5) * policy.targetValue() / 100.0;
    }

    /** How many scale-outs reach {@code expected} from {@code from} when each task holds at most {@code cap} %. */
    static int scaleOutSteps(int from, int expected, int max, double taskLoads, double cap, double target) {
        int steps = 0;
        int n = Math.max(1, from);
        while (n < expected && steps < 20) {
            double metric = Math.min(cap, 100 * taskLoads / n);
            n = Math.min(max, Math.max(n + 1, (int) Math.ceil(n * metric / target - 1e-9)));
            steps++;
        }
        return Math.max(1, steps);
    }

    /** The most one task's share may be, in % of its reservation. */
    private static double cap(ServiceStress.Resource resource) {
        return resource == ServiceStress.Resource.CPU ? 100 : 90;
    }

    /**
     * What a check may ask of this machine: 40 % of its cores (the rest starts the new tasks, routes and
     * sends the load: asked more, a 2-core machine gave api's 0.875 cores only 83 % of the time), a quarter
     * of its memory.
     */
    private static double budget(ServiceStress.Resource resource) {
        if (resource == ServiceStress.Resource.CPU) {
            return Runtime.getRuntime().availableProcessors() * 0.4;
        }
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getTotalMemorySize() / 4.0;
    }

    private static String describe(ServiceStress.Resource resource, double amount) {
        return resource == ServiceStress.Resource.CPU ? String.format(Locale.ROOT, "%.2f cores", amount)
                : String.format(Locale.ROOT, "%.0f MiB", amount / (1024 * 1024));
    }

    private static List<RequestRecord> stopped(LoadRun run) {
        run.stop();
        run.awaitCompletion(Duration.ofSeconds(60));
        List<RequestRecord> records = run.records();
        run.close();
        return records;
    }

    /** The first scale-out since {@code after} that reaches {@code expected}, else the last one seen when the bound ends. */
    private static ScalingActivity awaitScaleOut(Autoscaler autoscaler, String service, Instant after, int expected, Duration bound) {
        AtomicReference<ScalingActivity> last = new AtomicReference<>();
        Waits.until(bound, () -> {
            autoscaler.activities(service).stream().filter(a -> a.changed() && a.direction() == Direction.SCALE_OUT && !a.at().isBefore(after))
                    .reduce((a, b) -> b).ifPresent(last::set);
            return last.get() != null && last.get().to() >= expected;
        });
        return last.get();
    }

    private static ScalingActivity awaitScaleIn(Autoscaler autoscaler, String service, Instant after, Duration bound) {
        AtomicReference<ScalingActivity> found = new AtomicReference<>();
        Waits.until(bound, () -> {
            autoscaler.activities(service).stream().filter(a -> a.changed() && a.direction() == Direction.SCALE_IN && !a.at().isBefore(after))
                    .findFirst().ifPresent(found::set);
            return found.get() != null;
        });
        return found.get();
    }

    private static boolean awaitRunning(ServiceScheduler scheduler, int count, Duration bound) {
        return Waits.until(bound, () -> scheduler.runningTasks().size() == count && scheduler.steadyState());
    }
}
