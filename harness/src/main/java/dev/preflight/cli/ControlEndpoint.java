package dev.preflight.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.preflight.deploy.DeployResult;
import dev.preflight.running.RunningEnvironment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * The running {@code preflight up}'s own door for {@code preflight deploy}, {@code plan --live} and
 * {@code apply}: one POST {@code /deploy?service=api&version=v2} runs the deploy pipeline in the process
 * that owns the runtime; GET {@code /plan} compares the topology with what the AWS engine holds now
 * (drift, attribute by attribute); POST {@code /apply} puts it back. Each answers as JSON. Listens on 127.0.0.1 only; its address is written to a
 * state file per environment, so a second terminal finds it.
 */
final class ControlEndpoint implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final Path stateFile;

    private ControlEndpoint(HttpServer server, Path stateFile) {
        this.server = server;
        this.stateFile = stateFile;
    }

    static ControlEndpoint start(RunningEnvironment env) {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
            server.setExecutor(Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, "preflight-control");
                t.setDaemon(true);
                return t;
            }));
            server.createContext("/deploy", exchange -> {
                try (exchange) {
                    Map<String, String> query = query(exchange.getRequestURI());
                    String service = query.get("service");
                    int status;
                    Map<String, Object> answer = new LinkedHashMap<>();
                    if (!"POST".equals(exchange.getRequestMethod()) || service == null) {
                        status = 400;
                        answer.put("error", "POST /deploy?service=NAME[&version=V]");
                    } else if (!env.environment().topology().ecs().services().containsKey(service)) {
                        status = 404;
                        answer.put("error", "no ECS service '" + service + "' in " + env.environment().topology().ecs().services().keySet());
                    } else {
                        String version = query.getOrDefault("version", "v" + System.currentTimeMillis() / 1000);
                        DeployResult result = env.pipeline().deploy(service, version);
                        status = 200;
                        answer.put("service", result.service());
                        answer.put("version", result.version());
                        answer.put("result", result.result().name());
                        answer.put("deploymentId", result.deploymentId());
                        answer.put("reason", result.reason());
                        answer.put("seconds", result.duration().toMillis() / 1000.0);
                    }
                    respond(exchange, status, answer);
                }
            });
            // plan: what differs between the topology and what the AWS engine holds now (drift); apply: put it back.
            server.createContext("/plan", exchange -> {
                try (exchange) {
                    respond(exchange, 200, provisioning(env.environment().plan()));
                }
            });
            server.createContext("/apply", exchange -> {
                try (exchange) {
                    if (!"POST".equals(exchange.getRequestMethod())) {
                        respond(exchange, 400, Map.of("error", "POST /apply"));
                        return;
                    }
                    var result = env.environment().apply();
                    env.runtime().refresh();
                    respond(exchange, 200, provisioning(result));
                }
            });
            server.createContext("/fault", exchange -> {
                try (exchange) {
                    Map<String, String> query = query(exchange.getRequestURI());
                    var faults = env.environment().engines().faults();
                    if (!"POST".equals(exchange.getRequestMethod()) || faults.isEmpty()) {
                        respond(exchange, 400, Map.of("error", faults.isEmpty()
                                ? "this environment's engines have no fault proxies (they need the embedded engines and process tasks)"
                                : "POST /fault?engine=postgres|redis&action=cut|restore|reset|latency[&ms=N]"));
                        return;
                    }
                    try {
                        var proxy = faults.get().of(query.getOrDefault("engine", ""));
                        String action = query.getOrDefault("action", "");
                        switch (action) {
                            case "cut" -> proxy.cutOff();
                            case "restore" -> proxy.restore();
                            case "reset" -> proxy.resetConnections();
                            case "latency" -> proxy.latency(java.time.Duration.ofMillis(Long.parseLong(query.getOrDefault("ms", "0"))));
                            default -> throw new IllegalArgumentException("unknown action '" + action + "': use cut, restore, reset or latency");
                        }
                        respond(exchange, 200, Map.of("engine", proxy.name(), "action", action,
                                "faults", proxy.faults().stream().map(f -> f.label() + (f.end() == null ? " (now)" : "")).toList()));
                    } catch (IllegalArgumentException e) {
                        respond(exchange, 400, Map.of("error", e.getMessage()));
                    }
                }
            });
            server.start();
            Path state = stateFile(env.environment().topology().naming().prefix());
            Files.createDirectories(state.getParent());
            Files.writeString(state, JSON.writeValueAsString(Map.of("control", "http://127.0.0.1:" + server.getAddress().getPort(),
                    "pid", ProcessHandle.current().pid())));
            return new ControlEndpoint(server, state);
        } catch (IOException e) {
            throw new UncheckedIOException("preflight up could not open its control endpoint on 127.0.0.1: " + e.getMessage(), e);
        }
    }

    private static Map<String, Object> provisioning(dev.preflight.provision.ProvisionResult result) {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("summary", result.summary());
        answer.put("changed", result.changed());
        answer.put("changes", result.changes().stream().filter(c -> c.action() != dev.preflight.provision.Change.Action.UNCHANGED)
                .map(Object::toString).toList());
        return answer;
    }

    private static void respond(com.sun.net.httpserver.HttpExchange exchange, int status, Map<String, ?> answer) throws IOException {
        byte[] body = JSON.writeValueAsBytes(answer);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    /** Where the running {@code up} of an environment (by its name prefix, e.g. shop-dev) writes its address. */
    static Path stateFile(String environmentName) {
        return Path.of(System.getProperty("user.home"), ".cache", "preflight", "up", environmentName + ".json");
    }

    /** The control address of the running {@code up} of this environment, or a message saying how to start one. */
    static URI find(String environmentName) {
        Path state = stateFile(environmentName);
        try {
            var node = JSON.readTree(state.toFile());
            long pid = node.path("pid").asLong();
            if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
                return URI.create(node.path("control").asText());
            }
        } catch (IOException e) {
            // no state file: nothing runs
        }
        throw new IllegalStateException("no running environment " + environmentName + " (no live `preflight up` wrote " + state
                + "). Fix: start it in another terminal with `make up ENV=...` first");
    }

    /**
     * One call to the running {@code up} of an environment of a topology folder: its JSON answer (an
     * "error" field when it refused). What `deploy`, `plan --live`, `apply` and `fault` send.
     */
    static com.fasterxml.jackson.databind.JsonNode call(Path topologyDir, String environment, String path, boolean post)
            throws IOException, InterruptedException {
        String name = new dev.preflight.topology.TopologyLoader().load(PreflightCli.topologyDir(topologyDir), environment).naming().prefix();
        URI control = find(name);
        java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(control.resolve(path)).timeout(java.time.Duration.ofMinutes(15));
        request = post ? request.POST(java.net.http.HttpRequest.BodyPublishers.noBody()) : request.GET();
        String body = java.net.http.HttpClient.newHttpClient().send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        return JSON.readTree(body);
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> values = new LinkedHashMap<>();
        String raw = uri.getRawQuery();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    values.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
                }
            }
        }
        return values;
    }

    @Override
    public void close() {
        server.stop(0);
        try {
            Files.deleteIfExists(stateFile);
        } catch (IOException ignored) {
            // a stale file names a dead pid: find() ignores it
        }
    }
}
