package dev.preflight.alb;

import static dev.preflight.alb.AlbFixtures.SCALE;
import static dev.preflight.alb.AlbFixtures.awaitHealthy;
import static dev.preflight.alb.AlbFixtures.group;
import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.topology.LoadBalancer;
import dev.preflight.topology.TargetGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Health checks against real targets on their two clocks: counted checks every interval of real time
 * (1 s here unless a test says otherwise), probes of a starting target at the compressed interval.
 */
class HealthCheckTest {
    /** A state change, with what the target's /health had answered by then. */
    private record Seen(String targetId, TargetState from, TargetState to, String reason, List<Integer> answersSoFar) {
    }

    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable resource : resources) {
            resource.close();
        }
    }

    private TestBackend backend(String name) {
        TestBackend backend = TestBackend.start(name);
        resources.add(0, backend);
        return backend;
    }

    private ApplicationLoadBalancer start(LoadBalancer config) {
        ApplicationLoadBalancer alb = ApplicationLoadBalancer.start(config, SCALE);
        resources.add(0, alb);
        return alb;
    }

    private static List<Seen> record(TargetGroupRuntime group, TestBackend backend) {
        List<Seen> seen = new CopyOnWriteArrayList<>();
        group.addListener((id, from, to, reason) -> seen.add(new Seen(id, from, to, reason, backend.healthAnswers())));
        return seen;
    }

    private static List<String> transitions(List<Seen> seen) {
        return seen.stream().map(s -> s.from() + "->" + s.to()).toList();
    }

    private static int trailing(List<Integer> answers, int status) {
        int n = 0;
        for (int i = answers.size() - 1; i >= 0 && answers.get(i) == status; i--) {
            n++;
        }
        return n;
    }

    @Test
    void aModifiedHealthCheckJudgesTheTargetsAlreadyRegistered() {
        ApplicationLoadBalancer alb = start(AlbFixtures.single("modify", 60, group("round_robin", 3, 2, "200", 300)));
        TargetGroupRuntime app = alb.targetGroup("app");
        TestBackend backend = backend("t1");
        app.register(backend.target());
        awaitHealthy(app, "t1");

        // ModifyTargetGroup to a path the target does not serve: the running target fails it.
        app.reconfigure(app.config().withHealthCheck(app.config().healthCheck().withPath("/status/404")));
        Await.until("t1 unhealthy under the new check", Duration.ofSeconds(10),
                () -> app.health().get("t1").state() == TargetState.UNHEALTHY, app::health);
        assertThat(app.health().get("t1").reason()).isEqualTo("Target.ResponseCodeMismatch");
        assertThat(app.config().healthCheck().path()).isEqualTo("/status/404");

        // ... and back: it recovers after healthyThreshold passes, as any unhealthy target does.
        app.reconfigure(app.config().withHealthCheck(app.config().healthCheck().withPath("/health")));
        awaitHealthy(app, "t1");
    }

    @Test
    void newTargetIsHealthyAfterOnePassingCheckDespiteHealthyThreshold() {
        // interval 300 s: a second counted check cannot sneak in before the first one is counted
        ApplicationLoadBalancer alb = start(AlbFixtures.single("initial", 60, group(300, "round_robin", 5, 2, "200", 300)));
        TargetGroupRuntime app = alb.targetGroup("app");
        TestBackend backend = backend("t1");
        List<Seen> seen = record(app, backend);

        app.register(backend.target());
        assertThat(app.health().get("t1")).isEqualTo(new TargetHealth(TargetState.INITIAL, "Elb.InitialHealthChecking",
                "Initial health checks in progress"));
        awaitHealthy(app, "t1");

        assertThat(transitions(seen)).containsExactly("unused->initial", "initial->healthy");
        assertThat(seen.get(1).answersSoFar()).containsExactly(200);
        assertThat(app.healthyCount()).isEqualTo(1);
        assertThat(app.targets()).containsExactly(backend.target());
    }

    @Test
    void unhealthyAfterThresholdFailuresAndHealthyAgainOnlyAfterHealthyThresholdPasses() {
        ApplicationLoadBalancer alb = start(AlbFixtures.single("thresholds", 60, group("round_robin", 3, 3, "200", 300)));
        TargetGroupRuntime app = alb.targetGroup("app");
        TestBackend backend = backend("t1");
        List<Seen> seen = record(app, backend);
        app.register(backend.target());
        awaitHealthy(app, "t1");

        backend.healthStatus(500);
        Await.until("t1 unhealthy", Duration.ofSeconds(10),
                () -> app.health().get("t1").state() == TargetState.UNHEALTHY, app::health);
        Seen down = seen.get(seen.size() - 1);
        assertThat(down.reason()).isEqualTo("Target.ResponseCodeMismatch");
        assertThat(trailing(down.answersSoFar(), 500)).as("failed checks before unhealthy").isGreaterThanOrEqualTo(3);
        assertThat(app.health().get("t1").description()).isEqualTo("Health checks failed with these codes: [500]");

        backend.healthStatus(200);
        awaitHealthy(app, "t1");
        Seen up = seen.get(seen.size() - 1);
        assertThat(trailing(up.answersSoFar(), 200)).as("passing checks before healthy again").isGreaterThanOrEqualTo(3);
        assertThat(transitions(seen)).containsExactly("unused->initial", "initial->healthy", "healthy->unhealthy",
                "unhealthy->healthy");
    }

    @Test
    void matcherRangeAcceptsWhatASingleCodeRejects() {
        Map<String, TargetGroup> groups = new LinkedHashMap<>();
        groups.put("range", group("round_robin", 3, 2, "200-299", 300));
        groups.put("exact", group("round_robin", 3, 2, "200", 300));
        ApplicationLoadBalancer alb = start(AlbFixtures.lb("matchers", 60, groups, "range",
                List.of(new LoadBalancer.ListenerRule(1, List.of("/exact/*"), List.of(), "exact"))));
        TestBackend backend = backend("t204");
        backend.healthStatus(204);
        alb.targetGroup("range").register(backend.target());
        alb.targetGroup("exact").register(backend.target());

        awaitHealthy(alb.targetGroup("range"), "t204");
        TargetGroupRuntime exact = alb.targetGroup("exact");
        Await.until("t204 unhealthy for matcher 200", Duration.ofSeconds(10),
                () -> exact.health().get("t204").state() == TargetState.UNHEALTHY, exact::health);
        assertThat(exact.health().get("t204").description()).contains("[204]");
    }

    @Test
    void refusedHealthCheckIsFailedHealthChecks() {
        ApplicationLoadBalancer alb = start(AlbFixtures.single("refused-check", 60, group()));
        TargetGroupRuntime app = alb.targetGroup("app");
        app.register(new Target("gone", "127.0.0.1", AlbFixtures.closedPort()));
        Await.until("gone unhealthy", Duration.ofSeconds(10),
                () -> app.health().get("gone").state() == TargetState.UNHEALTHY, app::health);
        assertThat(app.health().get("gone").reason()).isEqualTo("Target.FailedHealthChecks");
    }
    @Test
    void aStartingTargetIsHealthyAsSoonAsItPassesNotAtTheNextCountedCheck() {
        // Counted checks every 60 s of real time, probes every 600 ms (60 s compressed 100 times):
        // only a probe can see the pass within seconds.
        ApplicationLoadBalancer alb = start(AlbFixtures.single("probe", 60, group(60, "round_robin", 5, 2, "200", 300)));
        TargetGroupRuntime app = alb.targetGroup("app");
        TestBackend backend = backend("t1");
        backend.healthStatus(503); // still starting
        app.register(backend.target());
        Await.until("a few failed probes", Duration.ofSeconds(8), () -> backend.healthAnswers().size() >= 4, backend::healthAnswers);
        assertThat(app.health().get("t1").state()).as("failed probes do not count").isEqualTo(TargetState.INITIAL);

        backend.healthStatus(200);
        long ready = System.nanoTime();
        awaitHealthy(app, "t1");
        assertThat(Duration.ofNanos(System.nanoTime() - ready)).isLessThan(Duration.ofSeconds(3));
    }

    @Test
    void aFailingTargetIsDeclaredUnhealthyAfterAwsIntervalsOfRealTime() {
        // interval 2 s, 2 failures: on AWS's clock the second failed check comes 2 to 4 s after the
        // target starts failing. Compressed 100 times it would be 40 ms.
        ApplicationLoadBalancer alb = start(AlbFixtures.single("real-interval", 60, group(2, "round_robin", 2, 2, "200", 300)));
        TargetGroupRuntime app = alb.targetGroup("app");
        TestBackend backend = backend("t1");
        app.register(backend.target());
        awaitHealthy(app, "t1");

        backend.healthStatus(500);
        long failing = System.nanoTime();
        Await.until("t1 unhealthy", Duration.ofSeconds(10),
                () -> app.health().get("t1").state() == TargetState.UNHEALTHY, app::health);
        assertThat(Duration.ofNanos(System.nanoTime() - failing)).isBetween(Duration.ofMillis(1900), Duration.ofMillis(6000));
    }

    @Test
    void aTargetThatNeverPassesIsUnhealthyAfterThresholdCountedChecksFromRegistration() {
        ApplicationLoadBalancer alb = start(AlbFixtures.single("never", 60, group(2, "round_robin", 2, 3, "200", 300)));
        TargetGroupRuntime app = alb.targetGroup("app");
        TestBackend backend = backend("t1");
        backend.healthStatus(503);
        long registered = System.nanoTime();
        app.register(backend.target());
        Await.until("t1 unhealthy", Duration.ofSeconds(10),
                () -> app.health().get("t1").state() == TargetState.UNHEALTHY, app::health);
        // checks at 0, 2 and 4 s: the third failure decides
        assertThat(Duration.ofNanos(System.nanoTime() - registered)).isBetween(Duration.ofMillis(3900), Duration.ofMillis(7000));
    }
    @Test
    void eachChecksTimeoutIsAwsNumberInRealTime() {
        // timeout 2 s: a target answering its check in 1.2 s is healthy (compressed 100 times the
        // timeout would be 20 ms); one answering in 3 s times out.
        ApplicationLoadBalancer alb = start(AlbFixtures.single("timeouts", 60, group(3, "round_robin", 2, 2, "200", 300)));
        TargetGroupRuntime app = alb.targetGroup("app");
        TestBackend slow = backend("slow");
        slow.healthDelayMillis(1200);
        TestBackend tooSlow = backend("too-slow");
        tooSlow.healthDelayMillis(3000);
        app.register(slow.target());
        app.register(tooSlow.target());

        awaitHealthy(app, "slow");
        Await.until("too-slow unhealthy", Duration.ofSeconds(15),
                () -> app.health().get("too-slow").state() == TargetState.UNHEALTHY, app::health);
        assertThat(app.health().get("too-slow").reason()).isEqualTo("Target.Timeout");
        assertThat(app.health().get("slow").state()).isEqualTo(TargetState.HEALTHY);
    }
}
