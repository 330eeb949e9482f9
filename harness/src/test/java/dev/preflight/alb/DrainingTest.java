package dev.preflight.alb;

import static dev.preflight.alb.AlbFixtures.SCALE;
import static dev.preflight.alb.AlbFixtures.awaitHealthy;
import static dev.preflight.alb.AlbFixtures.get;
import static dev.preflight.alb.AlbFixtures.group;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Deregistration through real HTTP: draining, the deregistration delay on its two clocks (real for
 * requests in flight, compressed once the target is idle), and cut requests.
 */
class DrainingTest {
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

    /** Idle timeout 600 s so slow requests are not 504s; the delay is the test's (AWS seconds). */
    private ApplicationLoadBalancer start(String name, int deregistrationDelaySeconds) {
        ApplicationLoadBalancer alb = ApplicationLoadBalancer.start(
                AlbFixtures.single(name, 600, group("round_robin", 3, 2, "200", deregistrationDelaySeconds)), SCALE);
        resources.add(0, alb);
        return alb;
    }

    private static CompletableFuture<HttpResponse<String>> getAsync(ApplicationLoadBalancer alb, String pathQuery) {
        return AlbFixtures.HTTP.sendAsync(HttpRequest.newBuilder(URI.create(alb.url() + pathQuery))
                .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void inFlightRequestFinishesWithinTheDelayAndNoNewRequestReachesTheDrainingTarget() throws Exception {
        ApplicationLoadBalancer alb = start("drain-finish", 300); // the idle rest: 3 s at scale 100
        TargetGroupRuntime app = alb.targetGroup("app");
        TestBackend a = backend("a");
        TestBackend b = backend("b");
        app.register(a.target());
        awaitHealthy(app, "a");
        CompletableFuture<HttpResponse<String>> slow = getAsync(alb, "/slow?sleepMs=1000");
        Await.until("the slow request on a", Duration.ofSeconds(5), () -> a.active() == 1);
        app.register(b.target());
        awaitHealthy(app, "b");

        CompletableFuture<DeregistrationResult> deregistered = app.deregister("a");
        assertThat(app.health().get("a").state()).isEqualTo(TargetState.DRAINING);
        assertThat(app.health().get("a").reason()).isEqualTo("Target.DeregistrationInProgress");
        assertThat(deregistered).as("a still serves the slow request").isNotDone();
        assertThat(app.deregister("a")).as("deregistering again gives the same future").isSameAs(deregistered);

        for (int i = 0; i < 10; i++) {
            assertThat(get(alb, "/").body()).isEqualTo("b");
        }
        assertThat(a.requestCount()).as("only the slow request reached a").isEqualTo(1);

        HttpResponse<String> slowResponse = slow.get(10, TimeUnit.SECONDS);
        assertThat(slowResponse.statusCode()).isEqualTo(200);
        assertThat(slowResponse.body()).isEqualTo("a");
        DeregistrationResult result = deregistered.get(10, TimeUnit.SECONDS);
        assertThat(result.targetId()).isEqualTo("a");
        assertThat(result.inFlightAtDeregistration()).isEqualTo(1);
        assertThat(result.requestsCut()).isZero();
        assertThat(result.delayExpired()).isFalse();
        assertThat(app.health()).containsOnlyKeys("b");
        assertThat(app.metrics().elb5xxCount()).isZero();
    }

    @Test
    void requestLongerThanTheDelayIsCutWith502AtTheRealDelay() throws Exception {
        ApplicationLoadBalancer alb = start("drain-cut", 1);
        TargetGroupRuntime app = alb.targetGroup("app");
        TestBackend a = backend("a");
        app.register(a.target());
        awaitHealthy(app, "a");
        CompletableFuture<HttpResponse<String>> slow = getAsync(alb, "/slow?sleepMs=5000");
        Await.until("the slow request on a", Duration.ofSeconds(5), () -> a.active() == 1);

        long started = System.nanoTime();
        DeregistrationResult result = app.deregister("a").get(10, TimeUnit.SECONDS);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(result.requestsCut()).isEqualTo(1);
        assertThat(result.delayExpired()).isTrue();
        assertThat(result.delay()).isEqualTo(Duration.ofSeconds(1));
        assertThat(took).as("cut at AWS's 1 s, not at 10 ms (1 s compressed 100 times)")
                .isGreaterThanOrEqualTo(Duration.ofMillis(950)).isLessThan(Duration.ofMillis(4000));

        HttpResponse<String> cut = slow.get(10, TimeUnit.SECONDS);
        assertThat(cut.statusCode()).isEqualTo(502);
        assertThat(cut.headers().firstValue("Server")).hasValue("awselb/2.0");
        assertThat(app.health()).isEmpty();
        assertThat(app.metrics().snapshot().elb5xxByStatus()).containsExactly(Map.entry(502, 1L));
    }

    @Test
    void requestShorterThanTheDelayFinishesThoughTheCompressedDelayIsShorter() throws Exception {
        // 2 s of AWS time is 20 ms compressed: a harness that compressed this deadline would cut the
        // 800 ms request that AWS lets finish.
        ApplicationLoadBalancer alb = start("drain-real", 2);
        TargetGroupRuntime app = alb.targetGroup("app");
        TestBackend a = backend("a");
        app.register(a.target());
        awaitHealthy(app, "a");
        CompletableFuture<HttpResponse<String>> slow = getAsync(alb, "/slow?sleepMs=800");
        Await.until("the slow request on a", Duration.ofSeconds(5), () -> a.active() == 1);

        DeregistrationResult result = app.deregister("a").get(10, TimeUnit.SECONDS);

        assertThat(slow.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(result.requestsCut()).isZero();
        assertThat(result.delayExpired()).isFalse();
        assertThat(result.drained()).as("in flight until the request ended").isGreaterThanOrEqualTo(Duration.ofMillis(500));
        assertThat(app.metrics().elb5xxCount()).isZero();
    }

    @Test
    void idleTargetShowsDrainingUntilTheRestOfTheDelayHasPassedCompressed() throws Exception {
        ApplicationLoadBalancer alb = start("drain-idle", 300); // 3 s at scale 100
        TargetGroupRuntime app = alb.targetGroup("app");
        List<String> changes = new CopyOnWriteArrayList<>();
        app.addListener((id, from, to, reason) -> changes.add(id + ":" + from + "->" + to));
        TestBackend a = backend("a");
        app.register(a.target());
        awaitHealthy(app, "a");

        long started = System.nanoTime();
        CompletableFuture<DeregistrationResult> deregistered = app.deregister("a");
        Thread.sleep(1000);
        assertThat(deregistered).as("AWS shows an idle target draining until the delay ends").isNotDone();
        assertThat(app.health().get("a").state()).isEqualTo(TargetState.DRAINING);
        assertThat(get(alb, "/").statusCode()).as("no new request reaches a draining target").isEqualTo(503);

        DeregistrationResult result = deregistered.get(10, TimeUnit.SECONDS);
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(2900));
        assertThat(result.requestsCut()).isZero();
        assertThat(result.delayExpired()).isFalse();
        assertThat(result.drained()).isLessThan(Duration.ofMillis(100));
        assertThat(app.health()).isEmpty();
        assertThat(app.targets()).isEmpty();
        assertThat(changes).containsExactly("a:unused->initial", "a:initial->healthy", "a:healthy->draining",
                "a:draining->unused");
        assertThat(app.deregister("unknown").get(1, TimeUnit.SECONDS).inFlightAtDeregistration()).isZero();
    }

    @Test
    void replacingTargetsUnderTrafficLosesNoRequest() throws Exception {
        ApplicationLoadBalancer alb = start("churn", 300);
        TargetGroupRuntime app = alb.targetGroup("app");
        List<TestBackend> live = new ArrayList<>(List.of(backend("v0"), backend("v1")));
        live.forEach(b -> app.register(b.target()));
        live.forEach(b -> awaitHealthy(app, b.name()));

        AtomicBoolean running = new AtomicBoolean(true);
        Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
        AtomicLong total = new AtomicLong();
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            Thread client = new Thread(() -> {
                while (running.get()) {
                    int status;
                    try {
                        status = get(alb, "/").statusCode();
                    } catch (RuntimeException e) {
                        status = -1;
                    }
                    statuses.computeIfAbsent(status, s -> new AtomicLong()).incrementAndGet();
                    total.incrementAndGet();
                }
            }, "churn-client-" + i);
            client.setDaemon(true);
            client.start();
            clients.add(client);
        }
        try {
            for (int version = 2; version < 6; version++) {
                long before = total.get();
                Await.until("traffic to flow", Duration.ofSeconds(10), () -> total.get() >= before + 40, statuses::toString);
                TestBackend next = backend("v" + version);
                app.register(next.target());
                awaitHealthy(app, next.name());
                TestBackend oldest = live.remove(0);
                live.add(next);
                app.deregister(oldest.name()).get(10, TimeUnit.SECONDS);
            }
        } finally {
            running.set(false);
            for (Thread client : clients) {
                client.join(10_000);
            }
        }
        assertThat(statuses.keySet()).as("statuses seen: %s", statuses).containsOnly(200);
        assertThat(app.targets()).extracting(Target::id).containsExactly("v4", "v5");
        assertThat(app.metrics().elb5xxCount()).isZero();
    }
}
