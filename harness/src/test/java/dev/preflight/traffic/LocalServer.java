package dev.preflight.traffic;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/** A JDK HttpServer on 127.0.0.1 (ephemeral port) that answers like the sample app: X-App-Version. */
final class LocalServer implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService handlers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "local-server");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong served = new AtomicLong();
    private volatile String lastRequest;

    LocalServer(String version, long delayMillis) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 200);
        server.createContext("/", exchange -> answer(exchange, version, delayMillis));
        server.setExecutor(handlers);
        server.start();
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    long served() {
        return served.get();
    }

    /** The last request's URI and X-Probe header, e.g. "/health?probe=1 X-Probe=yes". */
    String lastRequest() {
        return lastRequest;
    }

    private void answer(HttpExchange exchange, String version, long delayMillis) throws IOException {
        try (exchange) {
            lastRequest = exchange.getRequestURI() + " X-Probe=" + exchange.getRequestHeaders().getFirst("X-Probe");
            if (delayMillis > 0) {
                try {
                    Thread.sleep(delayMillis);
                } catch (InterruptedException e) {
                    return;
                }
            }
            byte[] body = ("hello from " + version + "\n").getBytes(StandardCharsets.UTF_8);
            // the version alternates per request when given as "a|b"
            String[] versions = version.split("\\|");
            long n = served.getAndIncrement();
            exchange.getResponseHeaders().add("X-App-Version", versions[(int) (n % versions.length)]);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
        }
    }

    /** Stops accepting and drops open connections, like a task killed without draining. */
    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
    }
}
