package dev.preflight.check;

import dev.preflight.alb.TargetGroupRuntime;
import dev.preflight.alb.TargetState;
import dev.preflight.deploy.ApplyResult;
import dev.preflight.deploy.DeployResult;
import dev.preflight.ecs.EcsTask;
import dev.preflight.provision.Change;
import dev.preflight.topology.Container;
import dev.preflight.topology.EcsService;
import dev.preflight.topology.TargetGroup;
import dev.preflight.topology.Topology;
import dev.preflight.traffic.LoadSummary;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The first half of a cutover with a baseline: the proposed topology applied to the environment that
 * runs the baseline, under every service's load, as the team's pipeline applies its infrastructure
 * code before it deploys the image. Services whose task definition changed roll out their running
 * image with the new settings; then the environment is watched for as long as AWS needs to find a
 * target that a changed health check now fails. A service whose running release does not survive
 * the change (failed requests, a rollout that fails, tasks turned unhealthy) fails its cutover here.
 */
final class InfrastructureApply {
    /** What the apply did to one service, for its cutover verdict; {@code failure} null when it survived. */
    record Outcome(String evidence, Verdict failure) {
    }

    private InfrastructureApply() {
    }

    static Map<String, Outcome> run(CheckContext ctx, Topology baseline, List<String> services, Map<String, ServiceLoad> loads) {
        Topology proposed = ctx.topology();
        Duration window = watchWindow(baseline, proposed, services);
        Duration rolloutBound = services.stream().map(s -> Bounds.rollingDeploy(proposed, proposed.ecs().services().get(s),
                Math.max(1, ctx.env().service(s).desiredCount()))).max(Duration::compareTo).orElse(Duration.ofMinutes(2));
        ctx.progress(CutoverCheck.NAME, "apply", "the infrastructure change, applied under load to what runs " + CheckContext.BASELINE
                + " (watched " + window.toSeconds() + " s after)");

        Map<String, UnderLoad> runs = new LinkedHashMap<>();
        Map<String, List<String>> unhealthy = new ConcurrentHashMap<>();
        AtomicBoolean watching = new AtomicBoolean(true);
        ApplyResult result = null;
        String error = null;
        try {
            for (String s : services) {
                runs.put(s, UnderLoad.start(ctx, s, loads.get(s), Duration.ofSeconds(5), rolloutBound.plus(window).plusSeconds(30)));
                watchTargets(ctx, s, unhealthy, watching);
            }
            Waits.pause(Duration.ofSeconds(2));
            runs.values().forEach(r -> r.event("infrastructure apply started"));
            try {
                result = ctx.env().pipeline().apply(proposed, rolloutBound);
            } catch (RuntimeException e) {
                error = e.getClass().getSimpleName() + ": " + e.getMessage();
            }
            runs.values().forEach(r -> r.event("infrastructure applied"));
            Waits.pause(window);
            watching.set(false);

            Map<String, Outcome> outcomes = new LinkedHashMap<>();
            for (String s : services) {
                outcomes.put(s, judge(ctx, baseline, s, runs.get(s), result, error, unhealthy.getOrDefault(s, List.of())));
            }
            return outcomes;
        } finally {
            watching.set(false);
            runs.values().forEach(UnderLoad::close);
        }
    }

    private static Outcome judge(CheckContext ctx, Topology baseline, String service, UnderLoad run, ApplyResult result, String error,
                                 List<String> unhealthy) {
        LoadSummary summary = run.finish();
        DeployResult rollout = result == null ? null : result.rollouts().get(service);
        List<String> parts = new ArrayList<>();
        if (result != null) {
            List<String> changed = result.provision().changes().stream().filter(c -> c.action() == Change.Action.CREATE
                    || c.action() == Change.Action.UPDATE || c.action() == Change.Action.DELETE).map(Change::toString).toList();
            parts.add(changed.isEmpty() ? "nothing to change" : changed.size() + " change(s): " + String.join(", ", changed));
        }
        if (rollout != null) {
            parts.add(String.format(Locale.ROOT, "rollout of the running image with the new task definition: %s in %.1f s%s", rollout.result(),
                    rollout.duration().toMillis() / 1000.0, rollout.reason() == null ? "" : " (" + rollout.reason() + ")"));
        }
        if (!unhealthy.isEmpty()) {
            parts.add("targets turned unhealthy: " + String.join(", ", unhealthy));
        }
        parts.add(summary.describe());
        String evidence = "apply: " + String.join("; ", parts);

        String fix = null;
        if (error != null) {
            evidence = "apply failed: " + error;
            fix = "the proposed topology could not be applied to the running environment: fix the cause above (the same apply fails on AWS)";
        } else if (!unhealthy.isEmpty() || rollout != null && !rollout.succeeded()) {
            fix = runningReleaseFix(baseline, ctx.topology(), service);
        } else if (summary.failed() > 0) {
            evidence += "; " + AlbStatus.describeFailures(summary);
            fix = "the infrastructure change cut requests of the running release before any new image was deployed: read the page's"
                    + " timeline; change the infrastructure in a way the running tasks survive, or in two steps";
        }
        Verdict failure = null;
        if (fix != null) {
            failure = Verdict.failed(CutoverCheck.NAME, service, evidence, fix);
            failure = failure.withPage(run.page(CutoverCheck.NAME, service + "-apply", failure));
        } else {
            run.page(CutoverCheck.NAME, service + "-apply", Verdict.passed(CutoverCheck.NAME, service, evidence));
        }
        return new Outcome(evidence, failure);
    }

    /** The fix when the running release did not survive: a health check that moved ahead of its image, or a task definition it cannot run. */
    private static String runningReleaseFix(Topology baseline, Topology proposed, String service) {
        EcsService was = baseline.ecs().services().get(service);
        EcsService now = proposed.ecs().services().get(service);
        TargetGroup before = Bounds.targetGroup(baseline, was);
        TargetGroup after = Bounds.targetGroup(proposed, now);
        if (before != null && after != null && !sameCheck(before.healthCheck(), after.healthCheck())) {
            return "the change moves the target group's health check (" + before.healthCheck().path() + ", matcher "
                    + before.healthCheck().matcher() + " -> " + after.healthCheck().path() + ", matcher " + after.healthCheck().matcher()
                    + ") ahead of the image that passes it: the load balancer applies the new check to the tasks running now, and ECS"
                    + " replaces the tasks that fail it. Ship the image that answers both first, then change the health check in a"
                    + " second change";
        }
        if (!Objects.equals(containerCheck(was), containerCheck(now))) {
            return "the change gives the running image a container health check it does not pass (" + containerCheck(now)
                    + "): ECS rolls the new task definition out with the image running now. Ship the image first, then the check";
        }
        return "the running image does not run with the new task definition (environment, secrets, size, health check): ECS rolls"
                + " a changed task definition out with the image running now. Change it in a way both images run with, or in two steps";
    }

    private static boolean sameCheck(TargetGroup.HealthCheck a, TargetGroup.HealthCheck b) {
        return a.path().equals(b.path()) && a.matcher().equals(b.matcher());
    }

    private static String containerCheck(EcsService s) {
        Container.ContainerHealthCheck c = s.container().healthCheck();
        return c == null ? null : c.command();
    }

    /** Targets of the service's group that turn unhealthy while the apply is watched, with the version their task runs. */
    private static void watchTargets(CheckContext ctx, String service, Map<String, List<String>> unhealthy, AtomicBoolean watching) {
        EcsService model = ctx.service(service);
        if (model.targetGroup() == null || ctx.env().runtime().loadBalancer() == null) {
            return;
        }
        TargetGroupRuntime tg = ctx.env().runtime().loadBalancer().targetGroup(model.targetGroup());
        tg.addListener((targetId, from, to, reason) -> {
            if (watching.get() && to == TargetState.UNHEALTHY) {
                String version = ctx.env().runtime().task(targetId).map(EcsTask::version).orElse("?");
                unhealthy.computeIfAbsent(service, k -> java.util.Collections.synchronizedList(new ArrayList<>()))
                        .add(targetId + " (" + version + ", " + reason + ")");
            }
        });
    }

    /**
     * How long after the apply a now-failing target takes to be found unhealthy: for each changed health
     * check, one interval for the first check under the new settings, then unhealthyThreshold checks, each
     * with its timeout (real time: these decide a verdict). A few seconds when no health check changed.
     */
    static Duration watchWindow(Topology baseline, Topology proposed, List<String> services) {
        long seconds = 3;
        for (String s : services) {
            TargetGroup before = Bounds.targetGroup(baseline, baseline.ecs().services().get(s));
            TargetGroup after = Bounds.targetGroup(proposed, proposed.ecs().services().get(s));
            if (before != null && after != null && !before.healthCheck().equals(after.healthCheck())) {
                TargetGroup.HealthCheck h = after.healthCheck();
                seconds = Math.max(seconds, (long) h.intervalSeconds() * (h.unhealthyThreshold() + 1) + h.timeoutSeconds() + 2);
            }
        }
        return Duration.ofSeconds(seconds);
    }
}
