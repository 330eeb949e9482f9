package dev.preflight.alb;

import static dev.preflight.alb.AlbFixtures.SCALE;
import static dev.preflight.alb.AlbFixtures.awaitHealthy;
import static dev.preflight.alb.AlbFixtures.get;
import static dev.preflight.alb.AlbFixtures.group;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.preflight.topology.LoadBalancer;
import dev.preflight.topology.TargetGroup;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpHeader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Routing, forwarding, the LB's own status codes, metrics and lifecycle, through real HTTP. The idle
 * timeout is 600 s (6 s here) except where a 504 is the point, so a slow first request on a loaded
 * machine is not one.
 */
class ApplicationLoadBalancerTest {
    private final List<AutoCloseable> resources = new ArrayList<>();

    private <T extends AutoCloseable> T closeLater(T resource) {
        resources.add(0, resource);
        return resource;
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable resource : resources) {
            resource.close();
        }
    }

    private TestBackend backend(String name) {
        return closeLater(TestBackend.start(name));
    }

    private ApplicationLoadBalancer start(LoadBalancer config) {
        return closeLater(ApplicationLoadBalancer.start(config, SCALE));
    }

    @Test
    void rulesRouteByPathAndHostByPriorityThenDefault() throws Exception {
        Map<String, TargetGroup> groups = new LinkedHashMap<>();
        groups.put("web", AlbFixtures.steadyGroup("round_robin"));
        groups.put("api", AlbFixtures.steadyGroup("round_robin"));
        groups.put("admin", AlbFixtures.steadyGroup("round_robin"));
        ApplicationLoadBalancer alb = start(AlbFixtures.lb("routing", 600, groups, "web", List.of(
                new LoadBalancer.ListenerRule(20, List.of(), List.of("admin.*"), "admin"),
                new LoadBalancer.ListenerRule(10, List.of("/api/*"), List.of(), "api"),
                new LoadBalancer.ListenerRule(5, List.of("/api/admin*"), List.of("admin.*"), "admin"))));
        for (String name : groups.keySet()) {
            TestBackend backend = backend(name);
            alb.targetGroup(name).register(backend.target());
            awaitHealthy(alb.targetGroup(name), name);
        }

        HttpClient jetty = new HttpClient(); // the JDK client does not let a test set Host
        jetty.start();
        closeLater(jetty::stop);
        assertThat(answer(jetty, alb, "www.example.com", "/api/orders")).isEqualTo("api");
        assertThat(answer(jetty, alb, "www.example.com", "/API/orders")).as("paths are case-sensitive").isEqualTo("web");
        assertThat(answer(jetty, alb, "www.example.com", "/search?next=/api/x")).as("query is not matched").isEqualTo("web");
        assertThat(answer(jetty, alb, "Admin.Example.com:8443", "/")).as("host ignores case and port").isEqualTo("admin");
        assertThat(answer(jetty, alb, "admin.example.com", "/api/orders")).as("priority 10 before 20").isEqualTo("api");
        assertThat(answer(jetty, alb, "admin.example.com", "/api/admin/users")).as("priority 5").isEqualTo("admin");
        assertThat(answer(jetty, alb, "www.example.com", "/api/admin/users")).as("all conditions must match").isEqualTo("api");
        assertThat(answer(jetty, alb, "example.com", "/")).isEqualTo("web");
    }

    private static String answer(HttpClient client, ApplicationLoadBalancer alb, String host, String pathQuery) throws Exception {
        ContentResponse response = client.newRequest(alb.url().resolve(pathQuery))
                .headers(h -> h.put(HttpHeader.HOST, host))
                .timeout(10, java.util.concurrent.TimeUnit.SECONDS)
                .send();
        assertThat(response.getStatus()).as("status for %s%s", host, pathQuery).isEqualTo(200);
        return response.getContentAsString();
    }

    @Test
    void roundRobinSpreadsEvenly() {
        ApplicationLoadBalancer alb = start(AlbFixtures.single("round-robin", 600, AlbFixtures.steadyGroup("round_robin")));
        TargetGroupRuntime app = alb.targetGroup("app");
        List<String> changes = new java.util.concurrent.CopyOnWriteArrayList<>();
        app.addListener((id, from, to, reason) -> changes.add(id + ":" + from + "->" + to + " " + reason));
        List<TestBackend> backends = List.of(backend("a"), backend("b"), backend("c"));
        backends.forEach(b -> app.register(b.target()));
        backends.forEach(b -> awaitHealthy(app, b.name()));

        Map<String, Long> answers = new LinkedHashMap<>();
        for (int i = 0; i < 30; i++) {
            HttpResponse<String> response = get(alb, "/");
            assertThat(response.statusCode()).isEqualTo(200);
            answers.merge(response.body(), 1L, Long::sum);
        }
        assertThat(answers).containsOnlyKeys("a", "b", "c");
        assertThat(answers.values()).as("answers %s, state changes %s", answers, changes).allSatisfy(count -> assertThat(count).isBetween(8L, 12L));
        assertThat(app.metrics().requestCountByTarget()).isEqualTo(answers);
    }

    @Test
    void leastOutstandingRequestsPrefersTheIdleTarget() {
        ApplicationLoadBalancer alb = start(AlbFixtures.single("least", 600, AlbFixtures.steadyGroup("least_outstanding_requests")));
        TargetGroupRuntime app = alb.targetGroup("app");
        TestBackend a = backend("a");
        TestBackend b = backend("b");
        app.register(a.target());
        app.register(b.target());
        awaitHealthy(app, "a");
        awaitHealthy(app, "b");

        CompletableFuture<HttpResponse<String>> held = AlbFixtures.HTTP.sendAsync(
                HttpRequest.newBuilder(URI.create(alb.url() + "/hold")).build(), HttpResponse.BodyHandlers.ofString());
        Await.until("the held request to reach a backend", Duration.ofSeconds(5), () -> a.active() + b.active() == 1);
        TestBackend busy = a.active() == 1 ? a : b;
        TestBackend idle = busy == a ? b : a;

        for (int i = 0; i < 10; i++) {
            assertThat(get(alb, "/").body()).isEqualTo(idle.name());
        }
        busy.releaseHeld();
        assertThat(held.join().statusCode()).isEqualTo(200);
    }

    @Test
    void failOpenRoutesToAllTargetsWhenNoneIsHealthy() {
        ApplicationLoadBalancer alb = start(AlbFixtures.single("fail-open", 600, group()));
        TargetGroupRuntime app = alb.targetGroup("app");
        TestBackend a = backend("a");
        TestBackend b = backend("b");
        a.healthStatus(500);
        b.healthStatus(500);
        app.register(a.target());
        app.register(b.target());
        Await.until("both targets unhealthy", Duration.ofSeconds(10),
                () -> app.health().values().stream().allMatch(h -> h.state() == TargetState.UNHEALTHY), app::health);
        assertThat(app.healthyCount()).isZero();

        Map<String, Long> answers = new LinkedHashMap<>();
        for (int i = 0; i < 10; i++) {
            HttpResponse<String> response = get(alb, "/");
            assertThat(response.statusCode()).isEqualTo(200);
            answers.merge(response.body(), 1L, Long::sum);
        }
        assertThat(answers).containsOnlyKeys("a", "b");
    }

    @Test
    void emptyGroupAnswers503FromTheLoadBalancer() {
        ApplicationLoadBalancer alb = start(AlbFixtures.single("empty", 600, group()));
        HttpResponse<String> response = get(alb, "/");
        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.headers().firstValue("Server")).hasValue("awselb/2.0");
        TargetGroupMetrics metrics = alb.targetGroup("app").metrics();
        assertThat(metrics.elb5xxCount()).isEqualTo(1);
        assertThat(metrics.requestCount()).as("no target was chosen").isZero();
    }

    @Test
    void refusedConnectionIs502() {
        ApplicationLoadBalancer alb = start(AlbFixtures.single("refused", 600, group()));
        alb.targetGroup("app").register(new Target("gone", "127.0.0.1", AlbFixtures.closedPort()));
        HttpResponse<String> response = get(alb, "/");
        assertThat(response.statusCode()).isEqualTo(502);
        assertThat(response.headers().firstValue("Server")).hasValue("awselb/2.0");
        assertThat(alb.targetGroup("app").metrics().snapshot().elb5xxByStatus()).containsEntry(502, 1L);
    }

    @Test
    void targetClosingWithoutAnswerOrAnsweringGarbageIs502() {
        ApplicationLoadBalancer alb = start(AlbFixtures.single("raw", 600, group()));
        RawBackend closer = closeLater(new RawBackend(RawBackend.Behaviour.CLOSE_WITHOUT_ANSWER));
        alb.targetGroup("app").register(closer.target("closer"));
        assertThat(get(alb, "/").statusCode()).isEqualTo(502);
        alb.targetGroup("app").deregister("closer").join();

        RawBackend garbage = closeLater(new RawBackend(RawBackend.Behaviour.NOT_HTTP));
        alb.targetGroup("app").register(garbage.target("garbage"));
        assertThat(get(alb, "/").statusCode()).isEqualTo(502);
        assertThat(alb.targetGroup("app").metrics().elb5xxCount()).isEqualTo(2);
    }

    @Test
    void targetSlowerThanIdleTimeoutIs504() {
        // the idle timeout is a real deadline: 1 s; the target takes 5 s
        ApplicationLoadBalancer alb = start(AlbFixtures.single("slow", 1, group()));
        TestBackend slow = backend("slow");
        alb.targetGroup("app").register(slow.target());
        awaitHealthy(alb.targetGroup("app"), "slow");
        long started = System.nanoTime();
        HttpResponse<String> response = get(alb, "/slow?sleepMs=5000");
        assertThat(response.statusCode()).isEqualTo(504);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofMillis(4500));
        assertThat(alb.targetGroup("app").metrics().snapshot().elb5xxByStatus()).containsEntry(504, 1L);
    }

    @Test
    void noConnectionWithinTheConnectTimeoutIs504() throws IOException {
        // A listener that never accepts, its backlog filled: the kernel drops further SYNs, so connecting hangs.
        try (ServerSocket unaccepting = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            List<java.net.Socket> fillers = new ArrayList<>();
            try {
                for (int i = 0; i < 8; i++) {
                    java.net.Socket filler = new java.net.Socket();
                    fillers.add(filler);
                    try {
                        filler.connect(unaccepting.getLocalSocketAddress(), 200);
                    } catch (IOException full) {
                        break; // the backlog is full
                    }
                }
                ApplicationLoadBalancer alb = closeLater(ApplicationLoadBalancer.start(
                        AlbFixtures.single("connect-timeout", 600, group()), SCALE,
                        LoadBalancerOptions.defaults().withConnectTimeout(Duration.ofMillis(300))));
                alb.targetGroup("app").register(new Target("hung", "127.0.0.1", unaccepting.getLocalPort()));
                long started = System.nanoTime();
                HttpResponse<String> response = get(alb, "/");
                assertThat(response.statusCode()).isEqualTo(504);
                assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
            } finally {
                for (java.net.Socket filler : fillers) {
                    filler.close();
                }
            }
        }
    }

    @Test
    void forwardsMethodPathQueryBodyAndHeadersAddingXForwarded() {
        ApplicationLoadBalancer alb = start(AlbFixtures.single("headers", 600, group()));
        TestBackend backend = backend("v42");
        alb.targetGroup("app").register(backend.target());
        awaitHealthy(alb.targetGroup("app"), "v42");

        HttpResponse<String> response = AlbFixtures.send(HttpRequest.newBuilder(URI.create(alb.url() + "/orders/7?expand=items&x=%2F"))
                .header("X-Forwarded-For", "203.0.113.9")
                .header("X-Custom", "kept")
                .POST(HttpRequest.BodyPublishers.ofString("{\"qty\":2}"))
                .build());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("X-App-Version")).hasValue("v42");

        TestBackend.Seen seen = backend.requests().get(0);
        assertThat(seen.method()).isEqualTo("POST");
        assertThat(seen.path()).isEqualTo("/orders/7");
        assertThat(seen.query()).isEqualTo("expand=items&x=%2F");
        assertThat(seen.body()).isEqualTo("{\"qty\":2}");
        assertThat(seen.header("X-Custom")).isEqualTo("kept");
        assertThat(seen.header("X-Forwarded-For")).isEqualTo("203.0.113.9, 127.0.0.1");
        assertThat(seen.header("X-Forwarded-Proto")).isEqualTo("http");
        assertThat(seen.header("X-Forwarded-Port")).isEqualTo(String.valueOf(alb.port()));
        assertThat(seen.header("X-Amzn-Trace-Id")).startsWith("Root=1-");
        assertThat(seen.header("Via")).isNull();
        assertThat(seen.header("Forwarded")).isNull();
    }

    @Test
    void metricsCountRequestsTarget5xxAndElb5xxWithAResettableWindow() {
        ApplicationLoadBalancer alb = start(AlbFixtures.single("metrics", 600, group()));
        TargetGroupRuntime app = alb.targetGroup("app");
        TestBackend backend = backend("m");
        app.register(backend.target());
        awaitHealthy(app, "m");

        for (int i = 0; i < 5; i++) {
            assertThat(get(alb, "/").statusCode()).isEqualTo(200);
        }
        assertThat(get(alb, "/status/500").statusCode()).isEqualTo(500);
        assertThat(get(alb, "/status/503").statusCode()).isEqualTo(503);
        app.deregister("m").join();
        assertThat(get(alb, "/").statusCode()).isEqualTo(503);

        TargetGroupMetrics metrics = app.metrics();
        TargetGroupMetrics.Snapshot window = metrics.snapshotAndReset();
        assertThat(window.requestCount()).isEqualTo(7);
        assertThat(window.target5xxCount()).isEqualTo(2);
        assertThat(window.elb5xxCount()).isEqualTo(1);
        assertThat(window.elb5xxByStatus()).containsExactly(Map.entry(503, 1L));
        assertThat(window.requestCountByTarget()).containsExactly(Map.entry("m", 7L));
        assertThat(window.averageResponseTimeMillis()).isPositive();
        assertThat(window.period()).isPositive();

        assertThat(metrics.snapshotAndReset().requestCount()).as("the window was reset").isZero();
        assertThat(metrics.requestCount()).as("totals stay").isEqualTo(7);
        assertThat(metrics.target5xxCount()).isEqualTo(2);
        assertThat(metrics.elb5xxCount()).isEqualTo(1);
    }

    @Test
    void unknownTargetGroupNamesTheKnownOnes() {
        ApplicationLoadBalancer alb = start(AlbFixtures.single("names", 600, group()));
        assertThatThrownBy(() -> alb.targetGroup("ap"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'ap'")
                .hasMessageContaining("[app]");
        assertThat(alb.targetGroups()).extracting(TargetGroupRuntime::name).containsExactly("app");
    }

    @Test
    void badConfigurationFailsAtStartNamingThePlace() {
        assertThatThrownBy(() -> ApplicationLoadBalancer.start(AlbFixtures.single("bad", 600,
                group("fastest", 3, 2, "200", 300)), SCALE))
                .isInstanceOf(LoadBalancerException.class)
                .hasMessageContaining("target group 'app'")
                .hasMessageContaining("'fastest'");
    }

    @Test
    void closeFreesThePortAndEndsEveryThread() throws IOException {
        ApplicationLoadBalancer alb = ApplicationLoadBalancer.start(AlbFixtures.single("closing", 600, group()), SCALE);
        TestBackend backend = backend("c");
        alb.targetGroup("app").register(backend.target());
        awaitHealthy(alb.targetGroup("app"), "c");
        assertThat(get(alb, "/").statusCode()).isEqualTo(200);
        int port = alb.port();
        assertThat(threadsOf("alb-closing-")).isNotEmpty();

        alb.close();
        alb.close(); // idempotent

        Await.until("the load balancer's threads to end", Duration.ofSeconds(10),
                () -> threadsOf("alb-closing-").isEmpty(), () -> threadsOf("alb-closing-"));
        try (ServerSocket reuse = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
            assertThat(reuse.getLocalPort()).isEqualTo(port);
        }
    }

    private static List<String> threadsOf(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(n -> n.startsWith(prefix)).sorted().collect(Collectors.toList());
    }
}
