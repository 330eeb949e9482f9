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

/** The health-check state machine against real targets, at 100 ms intervals. */
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
    void newTargetIsHealthyAfterOnePassingCheckDespiteHealthyThreshold() {
        // interval 300 s = 3 s here: a second check cannot sneak in before the first one is counted
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
}
