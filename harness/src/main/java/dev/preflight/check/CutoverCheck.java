package dev.preflight.check;

import dev.preflight.deploy.DeployResult;
import dev.preflight.ecs.Deployment;
import dev.preflight.ecs.EcsTask;
import dev.preflight.ecs.ServiceScheduler;
import dev.preflight.topology.EcsService;
import dev.preflight.topology.TargetGroup;
import dev.preflight.traffic.LoadSummary;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * cutover: the service goes from what it runs to the proposed release under load, as the team's
 * pipeline would deploy it. Passes with 0 failed requests, only the two versions answering, and
 * steady state within the bound its own numbers give ({@link Bounds#rollingDeploy}). Records the
 * old tasks' shutdowns, the p99 and a health-check probe of a proposed task for the static rules.
 */
final class CutoverCheck {
    static final String NAME = "cutover";

    private CutoverCheck() {
    }

    static Verdict run(CheckContext ctx, String service, ServiceLoad load) {
        EcsService model = ctx.service(service);
        ServiceScheduler scheduler = ctx.env().service(service);
        int tasks = Math.max(1, scheduler.desiredCount());
        Duration bound = Bounds.rollingDeploy(ctx.topology(), model, tasks);
        Deployment before = scheduler.primary().orElseThrow();
        String from = before.version();
        ctx.progress(NAME, service, from + " -> " + CheckContext.PROPOSED + " under " + load.describe() + " (steady state due within "
                + bound.toSeconds() + " s)");
        try (UnderLoad run = UnderLoad.start(ctx, service, load, load.duration(), bound.plusSeconds(30));
             HealthProbe probe = HealthProbe.watch(ctx, service, scheduler)) {
            run.settle(Duration.ofSeconds(2));
            run.event("deploy " + CheckContext.PROPOSED + " started");
            DeployResult result = ctx.env().pipeline().deploy(service, CheckContext.PROPOSED, ctx.imageEnv(service), bound);
            run.event("pipeline: " + result.result());
            LoadSummary summary = run.finish();
            record(ctx, service, scheduler, before, summary);

            Set<String> versions = new HashSet<>(summary.byVersion().keySet());
            versions.removeAll(List.of(from, CheckContext.PROPOSED));
            String evidence = ctx.applied(service).map(a -> a.evidence() + "; then ").orElse("")
                    + String.format(Locale.ROOT, "%s -> %s: %s in %.1f s (bound %d s); %s", from, CheckContext.PROPOSED,
                    result.result(), result.duration().toMillis() / 1000.0, bound.toSeconds(), summary.describe());
            Verdict verdict;
            if (!result.succeeded()) {
                verdict = Verdict.failed(NAME, service, evidence + "; " + result.reason(), notSteadyFix(ctx, service, model));
            } else if (summary.failed() > 0) {
                verdict = Verdict.failed(NAME, service, evidence + "; " + AlbStatus.describeFailures(summary),
                        failedRequestsFix(ctx, model, summary));
            } else if (!versions.isEmpty()) {
                verdict = Verdict.failed(NAME, service, evidence + "; other versions answered: " + versions,
                        "only the old and the new task definition may answer during a deploy: stop the other deployments first");
            } else if (summary.total() == 0) {
                verdict = Verdict.failed(NAME, service, evidence, "no request reached the service: check its listener rule and check.load.path");
            } else {
                verdict = Verdict.passed(NAME, service, evidence);
            }
            return verdict.withPage(run.page(NAME, service, verdict,
                    "Deploy", result.toString()));
        }
    }

    /** The old tasks' shutdowns and the p99, for the static rules. */
    private static void record(CheckContext ctx, String service, ServiceScheduler scheduler, Deployment before, LoadSummary summary) {
        ctx.measured().p99(service, summary.p99Millis());
        for (EcsTask t : scheduler.tasks()) {
            if (t.deployment() == before && t.stopped() && t.stopSignalAt() != null && t.stoppedAt() != null) {
                ctx.measured().shutdown(service, new Measurements.Shutdown(Duration.between(t.stopSignalAt(), t.stoppedAt()),
                        t.exitCode(), t.containerReason()));
            }
        }
    }

    private static String notSteadyFix(CheckContext ctx, String service, EcsService model) {
        TargetGroup tg = Bounds.targetGroup(ctx.topology(), model);
        String path = tg == null ? "its health check" : "the target group's health check (" + tg.healthCheck().path() + ", matcher "
                + tg.healthCheck().matcher() + ")";
        return "ECS completes a deployment only when its new tasks pass " + path + " and the container health check within "
                + "healthCheckGracePeriodSeconds; see the task stop reasons above and the task logs, and fix the image or the check"
                + " before deploying";
    }

    private static String failedRequestsFix(CheckContext ctx, EcsService model, LoadSummary summary) {
        TargetGroup tg = Bounds.targetGroup(ctx.topology(), model);
        if (summary.byStatus().containsKey(502) || summary.byStatus().containsKey(0)) {
            return String.format(Locale.ROOT, "in-flight requests were cut when old tasks stopped: ECS stops a task only after its "
                    + "target has drained for deregistrationDelaySeconds (now %d s), so keep it above the longest request (p99 here "
                    + "%.0f ms) and have the app finish in-flight requests on SIGTERM", tg == null ? 0 : tg.deregistrationDelaySeconds(),
                    summary.p99Millis());
        }
        if (summary.byStatus().containsKey(503)) {
            return "the target group had no healthy target during the deploy: keep minimumHealthyPercent high enough (100 with one "
                    + "task) that ECS starts new tasks and waits for them to pass before it stops old ones";
        }
        return "the service answered errors during the deploy: read the task logs of both versions on the report page";
    }
}
