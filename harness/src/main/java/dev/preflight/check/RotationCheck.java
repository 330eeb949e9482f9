package dev.preflight.check;

import dev.preflight.ecs.Deployment;
import dev.preflight.ecs.ServiceScheduler;
import dev.preflight.secrets.RotationResult;
import dev.preflight.secrets.SecretRotation;
import dev.preflight.topology.Secret;
import dev.preflight.topology.TargetGroup;
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
 * rotation: a database secret is rotated with its declared strategy (single user, Secrets Manager's
 * default for RDS, unless {@code rotation.strategy: alternating-users}) and every service that reads it
 * gets a forced deployment, under load: its new tasks read the new credential at start, the old ones
 * drain; 0 failed requests in each.
 *
 * <p>Between the rotation and the moment the old tasks stop taking requests, they hold the credential
 * they started with, and the application's own clock runs (its pool reconnecting, say): on AWS that is
 * the time the forced deployment's tasks take to pass their target group's health checks, which the
 * harness otherwise spaces on the compressed clock. So the old tasks keep serving for that AWS time, in
 * real time ({@link #oldTasksWindow}), before the deployment is forced: a single-user rotation under an
 * application that opens new connections then fails as it would on AWS. With alternating users the
 * previous user keeps working until the next rotation, so nothing the old tasks do depends on how long
 * the window lasts: it is compressed.
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
        String strategy = ctx.topology().secrets().get(secret).rotationStrategy();
        Duration awsWindow = oldTasksWindow(ctx, users);
        // With alternating users the previous user keeps working until the next rotation: nothing the old tasks do can
        // tell how long the window lasts, so it runs on the compressed clock. Single user: their reconnects race it, in real time.
        boolean observable = !Secret.ALTERNATING_USERS.equals(strategy);
        Duration window = observable ? awsWindow : ctx.env().runtime().timeScale().compressed(awsWindow.toSeconds());
        try {
            for (String service : users) {
                before.put(service, ctx.env().service(service).primary().orElseThrow());
                ServiceLoad load = loads.get(service);
                if (load != null) {
                    Duration bound = Bounds.rollingDeploy(ctx.topology(), ctx.service(service), ctx.env().service(service).desiredCount());
                    runs.put(service, UnderLoad.start(ctx, service, load, Duration.ofSeconds(10), bound.plusSeconds(60).plus(window)));
                }
            }
            Waits.pause(Duration.ofSeconds(2));
            RotationResult rotation;
            try {
                rotation = SecretRotation.of(ctx.env().environment()).rotate(secret, Secret.ALTERNATING_USERS.equals(strategy)
                        ? SecretRotation.Strategy.ALTERNATING_USERS : SecretRotation.Strategy.SINGLE_USER);
            } catch (RuntimeException e) {
                for (String service : users) {
                    verdicts.add(Verdict.failed(NAME, service, "rotation of " + secret + " failed: " + e.getMessage(),
                            "Secrets Manager runs createSecret, setSecret, testSecret, finishSecret; fix the step named above"));
                }
                return verdicts;
            }
            runs.values().forEach(r -> r.event("rotated " + secret + " (" + strategy + ")"));
            ctx.progress(NAME, String.join(",", users), secret + " rotated (" + strategy + "); the old tasks serve for " + awsWindow.toSeconds()
                    + " s, as long as the new ones take to pass their health checks on AWS" + (observable ? " (real time)" : " (compressed:"
                    + " the previous user keeps working)") + ", then the forced deployment");
            Waits.pause(window);
            Instant forced = Instant.now();
            for (String service : users) {
                ctx.env().runtime().forceNewDeployment(service);
            }
            runs.values().forEach(r -> r.event("forced new deployment"));
            for (String service : users) {
                ServiceScheduler scheduler = ctx.env().service(service);
                Duration bound = Bounds.rollingDeploy(ctx.topology(), ctx.service(service), scheduler.desiredCount());
                boolean done = awaitNewDeployment(scheduler, before.get(service), forced.plus(bound));
                String evidence = String.format(Locale.ROOT, "%s rotated (%s, %s); old tasks served %d s after it%s; forced deployment %s in"
                                + " %.1f s (bound %d s)", secret, strategy, rotation.succeeded() ? "4 steps ok" : "failed", awsWindow.toSeconds(),
                        observable ? "" : " (AWS time)",
                        done ? "COMPLETED" : "NOT completed", Duration.between(forced, Instant.now()).toMillis() / 1000.0, bound.toSeconds());
                UnderLoad run = runs.get(service);
                String problem = done ? null : "the forced deployment did not reach steady state";
                if (run != null) {
                    LoadSummary summary = run.finish();
                    evidence += "; " + summary.describe();
                    if (problem == null && summary.failed() > 0) {
                        problem = AlbStatus.describeFailures(summary);
                    }
                }
                String fix = Secret.SINGLE_USER.equals(strategy)
                        ? "single-user rotation changes the one user's password at once, and ECS gives a task its secret when it starts:"
                        + " until the forced deployment replaces them, old tasks open new connections with a password that no longer works."
                        + " Rotate with alternating users (secrets." + secret + ".rotation.strategy: alternating-users, AWS's"
                        + " PostgreSQLMultiUser: the previous user keeps working until the next rotation), or have the application re-read"
                        + " the secret when authentication fails; read the task logs on the report page"
                        : "ECS resolves secrets when a task starts: after a rotation only new tasks have the new credential, so the"
                        + " service must reconnect with it (a forced deployment) while old tasks keep the previous user's;"
                        + " read the task logs on the report page";
                Verdict verdict = problem == null ? Verdict.passed(NAME, service, evidence) : Verdict.failed(NAME, service, problem + "; " + evidence, fix);
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

    /**
     * How long, on AWS, the old tasks keep taking requests after the rotation: until the forced
     * deployment's tasks pass healthyThreshold checks spaced by the target group's interval (the
     * longest of the services'), which the harness would otherwise run on the compressed clock.
     */
    static Duration oldTasksWindow(CheckContext ctx, List<String> users) {
        long seconds = 0;
        for (String service : users) {
            String group = ctx.service(service).targetGroup();
            if (group != null && ctx.topology().loadBalancer() != null && ctx.topology().loadBalancer().targetGroups().containsKey(group)) {
                TargetGroup.HealthCheck check = ctx.topology().loadBalancer().targetGroups().get(group).healthCheck();
                seconds = Math.max(seconds, (long) check.healthyThreshold() * check.intervalSeconds());
            }
        }
        return Duration.ofSeconds(seconds);
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
