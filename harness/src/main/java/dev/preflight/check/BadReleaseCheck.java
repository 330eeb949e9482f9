package dev.preflight.check;

import dev.preflight.alb.TargetGroupRuntime;
import dev.preflight.alb.TargetHealth;
import dev.preflight.alb.TargetState;
import dev.preflight.deploy.DeployResult;
import dev.preflight.ecs.EcsTask;
import dev.preflight.ecs.ServiceScheduler;
import dev.preflight.topology.DeploymentConfiguration;
import dev.preflight.topology.EcsService;
import dev.preflight.topology.TargetGroup;
import dev.preflight.traffic.LoadSummary;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.locks.ReentrantLock;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.HealthCheck;

/**
 * bad-release: a task definition revision of the running image whose container health check asks a
 * path the image does not serve (so it works for any image) must trip the deployment circuit breaker
 * and roll back without a failed request. It runs at the breaker's smallest threshold (3 tasks) so one
 * round of failing tasks decides it, and the service returns to its count afterwards.
 */
final class BadReleaseCheck {
    static final String NAME = "bad-release";
    static final String NOT_SERVED = "/preflight-bad-release-not-served";
    /** ECS's minimum circuit-breaker threshold (docs/aws-behaviour.md section 2). */
    private static final int BREAKER_MINIMUM = 3;
    /**
     * One service's start-ups at a time, whatever the gate's parallelism: a bad release starts up to five
     * tasks beside the old ones, and three services doing so at once took the CPU of the tasks serving the
     * load on a 2-core machine (a 503 AWS would not give: each Fargate task has its own reserved CPU). The
     * turn ends once the bad tasks have started; their failing health checks, the long part, run side by side.
     */
    private static final ReentrantLock START_UPS = new ReentrantLock();

    private BadReleaseCheck() {
    }

    static Verdict run(CheckContext ctx, String service, ServiceLoad load) {
        EcsService model = ctx.service(service);
        DeploymentConfiguration.CircuitBreaker breaker = model.deployment().circuitBreaker();
        if (!breaker.enable()) {
            return Verdict.failed(NAME, service, "deploymentCircuitBreaker is off",
                    "a bad release of " + service + " runs until someone notices: enable deploymentCircuitBreaker with rollback"
                            + " (ECS then fails a deployment whose tasks keep failing their health checks and returns to the last"
                            + " completed one)");
        }
        if (!breaker.rollback()) {
            return Verdict.failed(NAME, service, "deploymentCircuitBreaker is on without rollback",
                    "with rollback off ECS marks the bad deployment FAILED and leaves it serving what it can: set rollback: true");
        }
        if (!START_UPS.tryLock()) {
            ctx.progress(NAME, service, "waits for another service's bad release to start its tasks (one at a time)");
            START_UPS.lock();
        }
        try {
            return release(ctx, service, load, model);
        } finally {
            endTurn();
        }
    }

    /** Ends this thread's start-up turn, if it still has it. */
    private static void endTurn() {
        if (START_UPS.isHeldByCurrentThread()) {
            START_UPS.unlock();
        }
    }

    private static Verdict release(CheckContext ctx, String service, ServiceLoad load, EcsService model) {
        ServiceScheduler scheduler = ctx.env().service(service);
        int count = scheduler.desiredCount();
        int tasks = Math.max(count, BREAKER_MINIMUM);
        Duration bound = Bounds.failingTask(ctx.topology(), model).multipliedBy(Bounds.rounds(model.deployment(), tasks) + 1L)
                .plus(Bounds.rollingDeploy(ctx.topology(), model, tasks));
        String running = scheduler.primary().orElseThrow().version();
        if (tasks != count) {
            ctx.env().desiredCount(service, tasks);
            awaitSteady(scheduler, tasks, Bounds.rollingDeploy(ctx.topology(), model, tasks));
        }
        ctx.progress(NAME, service, "revision with a health check on " + NOT_SERVED + " at " + tasks + " tasks under " + load.describe()
                + " (verdict due within " + bound.toSeconds() + " s)");
        try (UnderLoad run = UnderLoad.start(ctx, service, load, Duration.ofSeconds(10), bound.plusSeconds(30))) {
            run.settle(Duration.ofSeconds(2));
            run.event("bad revision deployed");
            DeployResult result = deployThenEndTurn(ctx, service, scheduler, model, running, bound);
            run.event("pipeline: " + result.result());
            LoadSummary summary = run.finish();
            String evidence = String.format(Locale.ROOT, "%s in %.1f s; %s", result.result(), result.duration().toMillis() / 1000.0,
                    summary.describe());
            Verdict verdict;
            if (result.result() != DeployResult.Result.ROLLED_BACK) {
                verdict = Verdict.failed(NAME, service, evidence + "; " + result.reason(),
                        "the circuit breaker did not roll the bad release back: ECS counts a task stopped for failing its health "
                                + "checks only after healthCheckGracePeriodSeconds; check the breaker settings and the grace period");
            } else if (summary.failed() > 0) {
                verdict = Verdict.failed(NAME, service, evidence + "; " + AlbStatus.describeFailures(summary),
                        "the old tasks must keep serving while the bad ones fail: keep minimumHealthyPercent at 100 so ECS stops no"
                                + " old task before a new one is healthy");
            } else {
                verdict = Verdict.passed(NAME, service, evidence);
            }
            verdict = verdict.withPage(run.page(NAME, service, verdict,
                    "Deploy", result.toString()));
            if (tasks != count) {
                ctx.env().desiredCount(service, count);
                awaitSteady(scheduler, count, Bounds.rollingDeploy(ctx.topology(), model, tasks));
            }
            return verdict;
        }
    }

    /**
     * Deploys the bad revision, ending the start-up turn once none of the service's tasks is starting (each
     * active one a healthy target: the bad ones pass the load balancer's check and fail only their own) or the
     * deploy has ended.
     */
    private static DeployResult deployThenEndTurn(CheckContext ctx, String service, ServiceScheduler scheduler, EcsService model,
                                                  String running, Duration bound) {
        TargetGroupRuntime tg = model.targetGroup() == null || ctx.env().runtime().loadBalancer() == null ? null
                : ctx.env().runtime().loadBalancer().targetGroup(model.targetGroup());
        String before = scheduler.primary().orElseThrow().id();
        ExecutorService deploying = Executors.newSingleThreadExecutor(r -> new Thread(r, "bad-release-" + service));
        try {
            Future<DeployResult> deploy = deploying.submit(() -> ctx.env().pipeline().deployRevision(service, running + " (bad health check)",
                    c -> badHealthCheck(c, Bounds.targetGroup(ctx.topology(), model)), bound));
            if (tg != null) {
                Waits.until(bound, () -> deploy.isDone() || startedUp(scheduler, before, tg));
            }
            endTurn();
            return deploy.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while deploying the bad revision of " + service, e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } finally {
            deploying.shutdownNow();
        }
    }

    /**
     * A deployment after {@code before} (the bad revision's: it runs the same image, so only its deployment
     * tells its tasks apart) has launched tasks, and none of the service's live tasks is still starting.
     */
    private static boolean startedUp(ServiceScheduler scheduler, String before, TargetGroupRuntime tg) {
        List<EcsTask> live = scheduler.tasks().stream().filter(EcsTask::active).toList();
        Map<String, TargetHealth> health = tg.health();
        return live.stream().anyMatch(t -> !t.deployment().id().equals(before))
                && live.stream().allMatch(t -> health.containsKey(t.taskId()) && health.get(t.taskId()).state() == TargetState.HEALTHY);
    }

    /** The container health check with the target group's health path replaced by one no image serves; "exit 1" without a check. */
    static ContainerDefinition badHealthCheck(ContainerDefinition container, TargetGroup tg) {
        HealthCheck check = container.healthCheck();
        List<String> command = new ArrayList<>();
        if (check != null && tg != null && check.command().stream().anyMatch(p -> p.contains(tg.healthCheck().path()))) {
            check.command().forEach(p -> command.add(p.replace(tg.healthCheck().path(), NOT_SERVED)));
        } else {
            command.add("CMD-SHELL");
            command.add("exit 1");
        }
        HealthCheck.Builder bad = check == null ? HealthCheck.builder().interval(30).timeout(5).retries(3) : check.toBuilder();
        return container.toBuilder().healthCheck(bad.command(command).build()).build();
    }

    static void awaitSteady(ServiceScheduler scheduler, int count, Duration bound) {
        Waits.until(bound, () -> scheduler.steadyState() && scheduler.runningTasks().size() == count);
    }
}
