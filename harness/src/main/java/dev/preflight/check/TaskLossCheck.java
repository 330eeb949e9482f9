package dev.preflight.check;

import dev.preflight.ecs.EcsTask;
import dev.preflight.ecs.ServiceScheduler;
import dev.preflight.traffic.LoadSummary;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;

/**
 * task-loss: one task SIGKILLed under load, as a crash or a lost host would; passes when ECS replaces
 * it and the service is back at steady state within one round of its numbers. Requests lost on the way
 * are reported with what the load balancer meant by them: with one task they are expected.
 */
final class TaskLossCheck {
    static final String NAME = "task-loss";

    private TaskLossCheck() {
    }

    static Verdict run(CheckContext ctx, String service, ServiceLoad load) {
        ServiceScheduler scheduler = ctx.env().service(service);
        Duration bound = Bounds.round(ctx.topology(), ctx.service(service));
        int before = scheduler.runningTasks().size();
        if (before == 0) {
            return Verdict.skipped(NAME, service, "no running task to lose");
        }
        EcsTask victim = scheduler.runningTasks().get(0);
        ctx.progress(NAME, service, "SIGKILL task " + victim.taskId() + " of " + before + " under " + load.describe());
        try (UnderLoad run = UnderLoad.start(ctx, service, load, Duration.ofSeconds(10), bound)) {
            run.settle(Duration.ofSeconds(2));
            Instant killed = Instant.now();
            run.event("task " + victim.taskId() + " SIGKILLed");
            scheduler.killTask(victim.taskId());
            boolean replaced = Waits.until(bound, () -> victim.stopped() && scheduler.steadyState()
                    && scheduler.runningTasks().size() >= before && scheduler.runningTasks().stream().noneMatch(t -> t == victim));
            Duration took = Duration.between(killed, Instant.now());
            run.event(replaced ? "replaced, steady state" : "not replaced in time");
            LoadSummary summary = run.finish();
            String evidence = String.format(Locale.ROOT, "task %s stopped (%s, exit %s); %s in %.1f s (bound %d s); %s", victim.taskId(),
                    victim.stoppedReason(), victim.exitCode(), replaced ? "replaced" : "NOT replaced", took.toMillis() / 1000.0,
                    bound.toSeconds(), summary.describe());
            if (summary.failed() > 0) {
                evidence += "; lost: " + AlbStatus.describeFailures(summary)
                        + (before == 1 ? " (with one task every request until the replacement passes fails, as on AWS: run 2 or more)" : "");
            }
            Verdict verdict = Verdict.of(replaced, NAME, service, evidence,
                    "ECS replaces a task that exits at once; one that is not back within the grace period and its health checks "
                            + "points at the image's start-up or the service's capacity: read the events on the report page");
            return verdict.withPage(run.page(NAME, service, verdict));
        }
    }
}
