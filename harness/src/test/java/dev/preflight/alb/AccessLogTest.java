package dev.preflight.alb;

import static dev.preflight.alb.AlbFixtures.SCALE;
import static dev.preflight.alb.AlbFixtures.awaitHealthy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.traffic.LoadGenerator;
import dev.preflight.traffic.LoadProfile;
import dev.preflight.traffic.LoadRun;
import dev.preflight.traffic.RequestRecord;
import dev.preflight.traffic.Responders;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Which target answered is known from the load balancer's access log, without the app's help. */
class AccessLogTest {
    private final List<AutoCloseable> resources = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable resource : resources) {
            resource.close();
        }
    }

    @Test
    void eachRecordNamesTheTargetThatAnsweredAndItsVersionThoughTheAppSendsNoHeader() {
        ApplicationLoadBalancer alb = ApplicationLoadBalancer.start(AlbFixtures.single("access", 60, AlbFixtures.steadyGroup("round_robin")), SCALE);
        resources.add(0, alb);
        TargetGroupRuntime app = alb.targetGroup("app");
        for (String name : List.of("a", "b")) {
            TestBackend backend = TestBackend.start(name);
            resources.add(0, backend);
            backend.sendNoVersionHeader();
            app.register(backend.target());
            awaitHealthy(app, name);
        }
        Responders fromTheLog = trace -> alb.accessLog().targetOf(trace).map(t -> new Responders.Responder(t, "release-" + t));

        List<RequestRecord> withLog = run(alb, fromTheLog);
        List<RequestRecord> headerOnly = run(alb, Responders.NONE);

        assertThat(withLog).hasSize(20).allMatch(RequestRecord::ok);
        assertThat(withLog).extracting(RequestRecord::target).containsOnly("a", "b").contains("a", "b");
        assertThat(withLog).allMatch(r -> r.version().equals("release-" + r.target()), "version of the answering target");
        assertThat(headerOnly).as("the app says nothing itself").extracting(RequestRecord::version).containsOnlyNulls();
    }

    @Test
    void theRootOfATraceHeaderIsWhatIsLogged() {
        assertThat(AccessLog.rootOf("Root=1-5759e988-bd862e3fe1be46a994272793;Self=1-abc")).isEqualTo("1-5759e988-bd862e3fe1be46a994272793");
        assertThat(AccessLog.rootOf("Self=1-abc")).isNull();
        assertThat(AccessLog.rootOf(null)).isNull();
    }

    private static List<RequestRecord> run(ApplicationLoadBalancer alb, Responders responders) {
        try (LoadRun load = LoadGenerator.start(alb.url(), LoadProfile.of(20, Duration.ofSeconds(1)), responders)) {
            load.awaitCompletion(Duration.ofSeconds(20));
            return load.records();
        }
    }
}
