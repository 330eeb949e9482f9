package dev.preflight.check;

import dev.preflight.ecs.Deployment;
import dev.preflight.ecs.ServiceScheduler;
import dev.preflight.secrets.RotationResult;
import dev.preflight.secrets.SecretRotation;
import dev.preflight.traffic.LoadSummary;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * rotation: a database secret is rotated (single user, as Secrets Manager's RDS rotation does by
 * default) and every service that reads it gets a forced deployment, under load: its new tasks read the
 * new credential at start, the old ones drain; 0 failed requests in each.
 */
final class RotationCheck {
    static final String NAME = "rotation";

    private RotationCheck() {
    }

    /** One verdict per service of {@code users} (services behind the load balancer get load). */
    static List<Verdict> run(CheckContext ctx, String secret, List<String> users, Map<String, ServiceLoad> loads) {
        ctx.progress(NAME, String.join(",", users), "rotate " + secret + ", then a forced deployment of " + users);
        Map<String, UnderLoad> runs = new LinkedHashMap<>();
        Map<String, Deployment> before = new LinkedHashMap<>();
        List<Verdict> verdicts = new ArrayList<>();
        try {
            for (String service : users) {
                before.put(service, ctx.env().service(service).primary().orElseThrow());
                ServiceLoad load = loads.get(service);
                if (load != null) {
                    Duration bound = Bounds.rollingDeploy(ctx.topology(), ctx.service(service), ctx.env().service(service).desiredCount());
                    runs.put(service, UnderLoad.start(ctx, service, load, Duration.ofSeconds(10), bound.plusSeconds(60)));
                }
            }
            Waits.pause(Duration.ofSeconds(2));
            RotationResult rotation;
            try {
                rotation = SecretRotation.of(ctx.env().environment()).rotate(secret, SecretRotation.Strategy.SINGLE_USER);
            } catch (RuntimeException e) {
                for (String service : users) {
                    verdicts.add(Verdict.failed(NAME, service, "rotation of " + secret + " failed: " + e.getMessage(),
                            "Secrets Manager runs createSecret, setSecret, testSecret, finishSecret; fix the step named above"));
                }
                return verdicts;
            }
            runs.values().forEach(r -> r.event("rotated " + secret));
            Instant forced = Instant.now();
            for (String service : users) {
                ctx.env().runtime().forceNewDeployment(service);
            }
            runs.values().forEach(r -> r.event("forced new deployment"));
            for (String service : users) {
                ServiceScheduler scheduler = ctx.env().service(service);
                Duration bound = Bounds.rollingDeploy(ctx.topology(), ctx.service(service), scheduler.desiredCount());
                boolean done = awaitNewDeployment(scheduler, before.get(service), forced.plus(bound));
                String evidence = String.format(Locale.ROOT, "%s rotated (%s); forced deployment %s in %.1f s (bound %d s)", secret,
                        rotation.succeeded() ? "4 steps ok" : "failed", done ? "COMPLETED" : "NOT completed",
                        Duration.between(forced, Instant.now()).toMillis() / 1000.0, bound.toSeconds());
                UnderLoad run = runs.get(service);
                String problem = done ? null : "the forced deployment did not reach steady state";
                if (run != null) {
                    LoadSummary summary = run.finish();
                    evidence += "; " + summary.describe();
                    if (problem == null && summary.failed() > 0) {
                        problem = AlbStatus.describeFailures(summary.byStatus(), summary.errors());
                    }
                }
                Verdict verdict = problem == null ? Verdict.passed(NAME, service, evidence) : Verdict.failed(NAME, service, problem + "; " + evidence,
                        "ECS resolves secrets when a task starts: after a rotation only new tasks have the new credential, so the"
                                + " service must reconnect with it (a forced deployment) while old tasks keep their open connections;"
                                + " read the task logs on the report page");
                if (run != null) {
                    verdict = verdict.withPage(run.page(NAME, service, verdict,
                            "Rotation", rotation.describe()));
                }
                verdicts.add(verdict);
            }
            return verdicts;
        } finally {
            runs.values().forEach(UnderLoad::close);
        }
    }

    /** The services whose container reads {@code secret}, in topology order. */
    static List<String> users(CheckContext ctx, String secret) {
        List<String> users = new ArrayList<>();
        ctx.topology().ecs().services().forEach((name, s) -> {
            if (s.container() != null && s.container().secrets().values().stream()
                    .anyMatch(v -> v.equals(secret) || v.startsWith(secret + ":"))) {
                users.add(name);
            }
        });
        return users;
    }

    private static boolean awaitNewDeployment(ServiceScheduler scheduler, Deployment before, Instant deadline) {
        return Waits.until(Duration.between(Instant.now(), deadline), () -> {
            Optional<Deployment> primary = scheduler.primary();
            return primary.isPresent() && primary.get() != before && primary.get().rolloutState() == Deployment.RolloutState.COMPLETED
                    && scheduler.steadyState();
        });
    }
}
