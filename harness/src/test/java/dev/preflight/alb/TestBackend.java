package dev.preflight.alb;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP target on 127.0.0.1: {@code /health} answers {@link #healthStatus(int)}; every other
 * path answers 200 with the backend's name as body and as {@code X-App-Version}, after
 * {@code ?sleepMs=N}; {@code /status/N} answers N; {@code /hold} waits for {@link #releaseHeld()}.
 */
final class TestBackend implements AutoCloseable {
    record Seen(String method, String path, String query, Map<String, List<String>> headers, String body) {
        String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> String.join(",", e.getValue())).findFirst().orElse(null);
        }
    }

    private final String name;
    private final HttpServer server;
    private final ExecutorService executor;
    private volatile int healthStatus = 200;
    private volatile long healthDelayMillis;
    private volatile boolean sendsVersion = true;
    private final List<Integer> healthAnswers = new CopyOnWriteArrayList<>();
    private final List<Seen> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger active = new AtomicInteger();
    private volatile CountDownLatch held = new CountDownLatch(1);

    private TestBackend(String name) throws IOException {
        this.name = name;
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "backend-" + name);
            t.setDaemon(true);
            return t;
        });
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 100);
        server.setExecutor(executor);
        server.createContext("/health", this::health);
        server.createContext("/", this::serve);
        server.start();
    }

    static TestBackend start(String name) {
        try {
            return new TestBackend(name);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start backend " + name, e);
        }
    }

    String name() {
        return name;
    }

    int port() {
        return server.getAddress().getPort();
    }

    Target target() {
        return new Target(name, "127.0.0.1", port());
    }

    void healthStatus(int status) {
        healthStatus = status;
    }

    /** Every status /health answered, in order. */
    List<Integer> healthAnswers() {
        return List.copyOf(healthAnswers);
    }

    List<Seen> requests() {
        return List.copyOf(requests);
    }

    int requestCount() {
        return requests.size();
    }

    int active() {
        return active.get();
    }

    void releaseHeld() {
        held.countDown();
    }

    /** A team's own app: no X-App-Version header. */
    void sendNoVersionHeader() {
        sendsVersion = false;
    }

    /** How long /health takes to answer. */
    void healthDelayMillis(long millis) {
        healthDelayMillis = millis;
    }

    private void health(HttpExchange exchange) throws IOException {
        long delay = healthDelayMillis;
        if (delay > 0) {
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        int status = healthStatus;
        healthAnswers.add(status);
        exchange.sendResponseHeaders(status, -1);
        exchange.close();
    }

    private void serve(HttpExchange exchange) throws IOException {
        active.incrementAndGet();
        try (exchange) {
            String body;
            try (InputStream in = exchange.getRequestBody()) {
                body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            String path = exchange.getRequestURI().getRawPath();
            String query = exchange.getRequestURI().getRawQuery();
            requests.add(new Seen(exchange.getRequestMethod(), path, query, Map.copyOf(exchange.getRequestHeaders()), body));
            int status = 200;
            if (path.startsWith("/status/")) {
                status = Integer.parseInt(path.substring("/status/".length()));
            } else if (path.equals("/hold")) {
                held.await(10, TimeUnit.SECONDS);
            } else if (query != null && query.startsWith("sleepMs=")) {
                Thread.sleep(Long.parseLong(query.substring("sleepMs=".length())));
            }
            byte[] answer = name.getBytes(StandardCharsets.UTF_8);
            if (sendsVersion) {
                exchange.getResponseHeaders().add("X-App-Version", name);
            }
            exchange.sendResponseHeaders(status, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            active.decrementAndGet();
        }
    }

    @Override
    public void close() {
        held.countDown();
        server.stop(0);
        executor.shutdownNow();
    }
}
