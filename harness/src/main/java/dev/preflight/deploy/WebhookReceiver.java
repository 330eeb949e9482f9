package dev.preflight.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * A real local HTTP endpoint that stands in for a Slack incoming webhook: it accepts POSTs of JSON
 * on 127.0.0.1 and keeps every payload, so a scenario can check what the pipeline announced.
 */
public final class WebhookReceiver implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpServer server;
    private final List<JsonNode> payloads = new ArrayList<>();

    private WebhookReceiver(HttpServer server) {
        this.server = server;
    }

    public static WebhookReceiver start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            WebhookReceiver receiver = new WebhookReceiver(server);
            server.createContext("/hooks", exchange -> {
                int status;
                try {
                    JsonNode payload = JSON.readTree(exchange.getRequestBody());
                    synchronized (receiver.payloads) {
                        receiver.payloads.add(payload);
                    }
                    status = "POST".equals(exchange.getRequestMethod()) ? 200 : 405;
                } catch (IOException e) {
                    status = 400; // Slack answers invalid_payload
                }
                byte[] body = (status == 200 ? "ok" : "invalid_payload").getBytes();
                exchange.sendResponseHeaders(status, body.length);
                exchange.getResponseBody().write(body);
                exchange.close();
            });
            server.start();
            return receiver;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start the webhook receiver on 127.0.0.1", e);
        }
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/deploys");
    }

    public List<JsonNode> payloads() {
        synchronized (payloads) {
            return List.copyOf(payloads);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
