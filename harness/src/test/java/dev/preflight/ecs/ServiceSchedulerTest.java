package dev.preflight.ecs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.preflight.alb.ApplicationLoadBalancer;
import dev.preflight.time.TimeScale;
import dev.preflight.topology.LoadBalancer;
import dev.preflight.topology.TargetGroup;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The scheduler's rules of docs/aws-behaviour.md sections 1 and 2, against a real load balancer
 * and in-process tasks: unhealthy tasks are replaced first when maximumPercent allows, a failed
 * rollback stays failed, and the circuit breaker counts a task that exits like one that fails its
 * health checks. Health checks every 1 s (2 failures: unhealthy after 1 s), no grace period.
 */
class ServiceSchedulerTest {
    private static final TimeScale SCALE = new TimeScale(100);

    private final InProcessTasks tasks = new InProcessTasks();
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService checks = Executors.newFixedThreadPool(2);
    private final List<String> targetChanges = new CopyOnWriteArrayList<>();
    private ApplicationLoadBalancer alb;

    @AfterEach
    void stop() throws InterruptedException {
        loop.shutdownNow();
        loop.awaitTermination(5, TimeUnit.SECONDS);
        checks.shutdownNow();
        tasks.close();
        if (alb != null) {
            alb.close();
        }
    }

    private ServiceScheduler start(int minimumHealthyPercent, int maximumPercent, int desired) {
        TargetGroup group = new TargetGroup(8080, new TargetGroup.HealthCheck("/health", 1, 1, 2, 2, "200"), 300, "round_robin");
        alb = ApplicationLoadBalancer.start(new LoadBalancer("test", List.of("public-a"), List.of("alb"), 60,
                new LoadBalancer.Listener(80, "HTTP", "app", List.of()), Map.of("app", group)), SCALE);
        alb.targetGroup("app").addListener((id, from, to, reason) -> targetChanges.add(id + ":" + from + "->" + to));
        ServiceScheduler scheduler = new ServiceScheduler("app", "cluster", "arn:aws:ecs:eu-west-1:123456789012:cluster/cluster", new RollingUpdatePolicy(minimumHealthyPercent, maximumPercent),
                true, true, CircuitBreaker.DEFAULT_MINIMUM_THRESHOLD, 0, SCALE, tasks, alb.targetGroup("app"),
                new TargetMirror(null, null), new Placement(java.util.List.of(), new Placement.Zones()), checks);
        scheduler.desiredCount(desired);
        loop.scheduleWithFixedDelay(scheduler::tick, 0, 20, TimeUnit.MILLISECONDS);
        return scheduler;
    }

    private static void awaitSteady(ServiceScheduler scheduler) {
        await("steady state").atMost(Duration.ofSeconds(20)).until(scheduler::steadyState);
    }

    private int indexOf(String change) {
        int i = targetChanges.indexOf(change);
        assertThat(i).as("target change %s in %s", change, targetChanges).isNotNegative();
        return i;
    }

    @Test
    void anUnhealthyTaskIsReplacedBeforeItIsStoppedWhenMaximumPercentAllows() {
        ServiceScheduler scheduler = start(100, 200, 1);
        scheduler.deploy(InProcessTasks.definition("good"), false);
        awaitSteady(scheduler);
        InProcessTasks.Task sick = tasks.started.get(0);

        sick.healthStatus = 500;

        await("the unhealthy task stopped").atMost(Duration.ofSeconds(20))
                .until(() -> scheduler.tasks().stream().anyMatch(t -> t.taskId().equals(sick.taskId()) && t.stopped()));
        String replacement = tasks.started.get(1).taskId();
        assertThat(indexOf(replacement + ":initial->healthy")).as("the replacement was healthy before the unhealthy task drained")
                .isLessThan(indexOf(sick.taskId() + ":unhealthy->draining"));
        EcsTask stopped = scheduler.tasks().stream().filter(t -> t.taskId().equals(sick.taskId())).findFirst().orElseThrow();
        assertThat(stopped.stoppedReason()).isEqualTo("Task failed ELB health checks in (target-group app)");
        awaitSteady(scheduler);
    }

    @Test
    void withoutRoomForAReplacementTheUnhealthyTaskIsStoppedFirst() {
        ServiceScheduler scheduler = start(100, 100, 1);
        scheduler.deploy(InProcessTasks.definition("good"), false);
        awaitSteady(scheduler);
        InProcessTasks.Task sick = tasks.started.get(0);

        sick.healthStatus = 500;

        await("a replacement").atMost(Duration.ofSeconds(20)).until(() -> tasks.started.size() == 2);
        String replacement = tasks.started.get(1).taskId();
        await("the replacement registered").atMost(Duration.ofSeconds(10))
                .until(() -> targetChanges.contains(replacement + ":unused->initial"));
        assertThat(indexOf(sick.taskId() + ":unhealthy->draining")).as("maximumPercent 100 leaves no room: stop first")
                .isLessThan(indexOf(replacement + ":unused->initial"));
    }

    @Test
    void aFailedRollbackStaysFailed() {
        ServiceScheduler scheduler = start(100, 200, 1);
        scheduler.deploy(InProcessTasks.definition("good"), false);
        awaitSteady(scheduler);
        tasks.allBad = true; // the release is bad, and so is every task started from now on, the rollback's too

        Deployment bad = scheduler.deploy(InProcessTasks.definition("bad"), false);

        await("the rollback to fail").atMost(Duration.ofSeconds(40)).until(() -> scheduler.primary()
                .filter(d -> d.isRollback() && d.rolloutState() == Deployment.RolloutState.FAILED).isPresent());
        assertThat(bad.rolloutState()).isEqualTo(Deployment.RolloutState.FAILED);
        await("no rollback of the rollback").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(5))
                .until(() -> scheduler.deployments().size() == 3);
        assertThat(scheduler.events()).extracting(ServiceEvent::message).anyMatch(m -> m.contains("rollback failed; no further rollback"));
        assertThat(scheduler.runningTasks()).as("the first deployment's task keeps serving").extracting(EcsTask::version)
                .containsExactly("good");
    }

    @Test
    void tasksThatExitOnTheirOwnTripTheCircuitBreakerLikeFailedHealthChecks() {
        ServiceScheduler scheduler = start(100, 200, 1);
        scheduler.deploy(InProcessTasks.definition("good"), false);
        awaitSteady(scheduler);

        Deployment crashing = scheduler.deploy(InProcessTasks.definition("crash"), false);

        await("the crashing deployment to fail and roll back").atMost(Duration.ofSeconds(30)).until(() ->
                crashing.rolloutState() == Deployment.RolloutState.FAILED && scheduler.primary().filter(Deployment::isRollback)
                        .filter(d -> d.rolloutState() == Deployment.RolloutState.COMPLETED).isPresent());
        assertThat(crashing.failedTasks()).isEqualTo(3);
        assertThat(scheduler.tasks()).filteredOn(t -> t.deployment() == crashing).extracting(EcsTask::stoppedReason)
                .containsOnly("Essential container in task exited");
    }
}
