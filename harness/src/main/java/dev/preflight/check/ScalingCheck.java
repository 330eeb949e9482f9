package dev.preflight.check;

import dev.preflight.ecs.ServiceScheduler;
import dev.preflight.scaling.Autoscaler;
import dev.preflight.scaling.CountExtremes;
import dev.preflight.scaling.ScalingActivity;
import dev.preflight.scaling.ScalingActivity.Direction;
import dev.preflight.topology.Autoscaling;
import dev.preflight.topology.EcsService;
import dev.preflight.traffic.LoadRun;
import dev.preflight.traffic.LoadSummary;
import dev.preflight.traffic.RequestRecord;
import dev.preflight.report.ScenarioReport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * scaling: load above the ALBRequestCountPerTarget policy's target scales the service out to the count
 * target tracking gives (ceil(requests per minute / target), capped at max) within the alarm's periods,
 * then a trickle under the target scales it back in to min after the cooldown, never beyond min and max,
 * with 0 failed requests. The metric is a rate of real requests, so the load is exact on any machine;
 * CPU and memory policies are not driven (the load they need depends on the machine) and say so.
 */
final class ScalingCheck {
    static final String NAME = "scaling";
    static final String REQUESTS_PER_TARGET = "ALBRequestCountPerTarget";

    private ScalingCheck() {
    }

    static Verdict run(CheckContext ctx, Autoscaler autoscaler, String service, ServiceLoad load) {
        EcsService model = ctx.service(service);
        Autoscaling scaling = model.autoscaling();
        if (scaling == null || scaling.policies().isEmpty()) {
            return Verdict.skipped(NAME, service, "no autoscaling declared");
        }
        Optional<Autoscaling.ScalingPolicy> requests = scaling.policies().stream().filter(p -> p.metric().equals(REQUESTS_PER_TARGET)).findFirst();
        if (requests.isEmpty()) {
            return Verdict.skipped(NAME, service, "its policies (" + scaling.policies().stream().map(Autoscaling.ScalingPolicy::metric).toList()
                    + ") follow CPU or memory, which a load generator on this machine cannot drive to a known value");
        }
        ServiceScheduler scheduler = ctx.env().service(service);
        int min = scaling.min();
        int max = scaling.max();
        int from = scheduler.desiredCount();
        if (max <= from) {
            return Verdict.skipped(NAME, service, "max capacity " + max + " leaves no room above the running " + from + " tasks");
        }
        double target = requests.get().targetValue();
        int expected = Math.min(max, from + 2);
        // ceil(rps x 60 / target) = expected: aim between the roundings.
        double high = target / 60.0 * (expected - 0.5);
        double trickle = Math.max(1, target / 60.0 * 0.3 * Math.max(1, min));
        Duration period = autoscaler.metrics().period();
        Duration outBound = period.multipliedBy(2L * (autoscaler.options().highEvaluationPeriods() + 2))
                .plus(ctx.env().runtime().timeScale().compressed(requests.get().scaleOutCooldownSeconds()));
        Duration startBound = Bounds.round(ctx.topology(), model);
        Duration inBound = period.multipliedBy(2L * (autoscaler.options().lowEvaluationPeriods() + 2))
                .plus(ctx.env().runtime().timeScale().compressed(requests.get().scaleInCooldownSeconds()));
        ctx.progress(NAME, service, String.format(Locale.ROOT, "%.1f requests/s on %s: expect %d -> %d (target %.0f per target per minute), then"
                + " %.1f requests/s: expect back to %d", high, load.path(), from, expected, target, trickle, min));
        List<RequestRecord> records = new ArrayList<>();
        Instant start = Instant.now();
        String problem = null;
        ScalingActivity out = null;
        ScalingActivity in = null;
        try (CountExtremes extremes = CountExtremes.watch(scheduler)) {
            try (LoadRun burst = ctx.env().load(load.profile(high, outBound.plus(startBound).plusSeconds(30)))) {
                out = await(autoscaler, service, Direction.SCALE_OUT, start, outBound);
                if (out == null) {
                    problem = "no scale-out within " + outBound.toSeconds() + " s of the load";
                } else if (!awaitRunning(scheduler, out.to(), startBound)) {
                    problem = "scaled out to " + out.to() + " but they were not running and healthy within " + startBound.toSeconds() + " s";
                }
                burst.stop();
                burst.awaitCompletion(Duration.ofSeconds(60));
                records.addAll(burst.records());
            }
            Instant drop = Instant.now();
            if (problem == null) {
                try (LoadRun quiet = ctx.env().load(load.profile(trickle, inBound.plus(startBound).plusSeconds(30)))) {
                    in = await(autoscaler, service, Direction.SCALE_IN, drop, inBound);
                    if (in == null) {
                        problem = "no scale-in within " + inBound.toSeconds() + " s of the load dropping";
                    } else {
                        awaitRunning(scheduler, in.to(), startBound.plus(Bounds.round(ctx.topology(), model)));
                    }
                    quiet.stop();
                    quiet.awaitCompletion(Duration.ofSeconds(60));
                    records.addAll(quiet.records());
                }
            }
            LoadSummary summary = LoadSummary.of(records);
            String evidence = String.format(Locale.ROOT, "%d -> %s -> %s (expected %d -> %d -> %d); desired between %d and %d, running at most %d"
                            + " (min %d, max %d); %s", from, out == null ? "?" : out.to(), in == null ? "?" : in.to(), from, expected, min,
                    extremes.minDesired(), extremes.maxDesired(), extremes.maxRunning(), min, max, summary.describe());
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
            // Back to the count the other checks and the team's declared topology expect.
            ctx.env().desiredCount(service, from);
            awaitRunning(scheduler, from, Bounds.rollingDeploy(ctx.topology(), model, Math.max(from, max)));
            Verdict verdict = problem == null ? Verdict.passed(NAME, service, evidence)
                    : Verdict.failed(NAME, service, problem + "; " + evidence,
                    "target tracking keeps " + REQUESTS_PER_TARGET + " at " + target + " per target per minute: new tasks must pass their"
                            + " health checks before they count, and scale-in drains tasks like a deploy (deregistrationDelaySeconds);"
                            + " read the scaling activities on the report page");
            ScenarioReport report = ScenarioReport.named(ctx.pageTitle(NAME, service)).requests(records, start);
            dev.preflight.scaling.ScalingReport.addTo(report, autoscaler, service, start);
            return verdict.withPage(ctx.writePage(report, verdict));
        }
    }

    private static ScalingActivity await(Autoscaler autoscaler, String service, Direction direction, Instant after, Duration bound) {
        java.util.concurrent.atomic.AtomicReference<ScalingActivity> found = new java.util.concurrent.atomic.AtomicReference<>();
        Waits.until(bound, () -> {
            autoscaler.activities(service).stream().filter(a -> a.changed() && a.direction() == direction && !a.at().isBefore(after))
                    .findFirst().ifPresent(found::set);
            return found.get() != null;
        });
        return found.get();
    }

    private static boolean awaitRunning(ServiceScheduler scheduler, int count, Duration bound) {
        return Waits.until(bound, () -> scheduler.runningTasks().size() == count && scheduler.steadyState());
    }
}
