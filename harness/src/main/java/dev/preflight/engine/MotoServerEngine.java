package dev.preflight.engine;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The embedded AWS engine: moto in server mode as a child process on an ephemeral 127.0.0.1 port.
 * moto_server is looked up as {@code preflight.moto.command}, then the project's {@code .venv}
 * (which {@code make} creates where moto is not preinstalled), then the PATH.
 */
public final class MotoServerEngine implements AwsEngine {
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

    private final EngineSettings settings;
    private final ProcessLedger ledger;
    private final Path runDir;
    /** One client for every readiness poll, rather than a new one (and its threads) per poll. */
    private final HttpClient probe = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(300)).build();
    private Process process;
    private int port;

    public MotoServerEngine(EngineSettings settings, ProcessLedger ledger, Path runDir) {
        this.settings = settings;
        this.ledger = ledger;
        this.runDir = runDir;
    }

    @Override
    public synchronized void start() {
        if (process != null && process.isAlive()) {
            return;
        }
        String command = locate();
        EngineException last = null;
        for (int attempt = 1; attempt <= 3; attempt++) {
            try {
                startOnce(command);
                return;
            } catch (EngineException e) {
                // Another process may have taken the port between probing and binding: retry.
                last = e;
                close();
            }
        }
        throw last;
    }

    private void startOnce(String command) {
        port = LocalPorts.freePort();
        Path log = runDir.resolve("moto-server.log");
        ProcessBuilder builder = new ProcessBuilder(command, "-H", LocalPorts.LOOPBACK, "-p", Integer.toString(port))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("MOTO_ALLOW_NONEXISTENT_REGION", "true");
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new EngineException("Cannot start " + command + ": " + e.getMessage()
                    + ". Fix: run 'make setup' to install moto[server] into .venv, or set preflight.moto.command", e);
        }
        ledger.trackProcess(process.toHandle());
        Readiness.await("moto_server to answer HTTP on " + endpoint(), START_TIMEOUT, this::answers,
                () -> process.isAlive() ? null : "moto_server exited with code " + process.exitValue() + "; its log: " + tail(log));
        ledger.trackDescendants();
    }

    private boolean answers() {
        try {
            HttpResponse<Void> response = probe.send(HttpRequest.newBuilder(endpoint().resolve("/moto-api/"))
                    .timeout(Duration.ofSeconds(2)).GET().build(), HttpResponse.BodyHandlers.discarding());
            return response.statusCode() < 500;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private String locate() {
        Optional<String> configured = settings.get("preflight.moto.command");
        if (configured.isPresent()) {
            return configured.get();
        }
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path d = dir; d != null; d = d.getParent()) {
            Path venv = d.resolve(".venv/bin/moto_server");
            if (Files.isExecutable(venv)) {
                return venv.toString();
            }
        }
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("");
        for (String entry : path.split(File.pathSeparator)) {
            Path candidate = Path.of(entry, "moto_server");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        throw new EngineException("moto_server not found (looked at preflight.moto.command, .venv/bin/moto_server and the PATH)."
                + " Fix: run 'make setup' (installs moto[server]==5.2.1 into .venv) or pip install 'moto[server]==5.2.1'");
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - 5), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    @Override
    public URI endpoint() {
        return URI.create("http://" + LocalPorts.LOOPBACK + ":" + port);
    }

    @Override
    public String flavor() {
        return "moto";
    }

    @Override
    public synchronized void close() {
        if (process != null) {
            ProcessLedger.stop(process.toHandle(), Duration.ofSeconds(5));
            ledger.forgetProcess(process.pid());
            process = null;
        }
    }

    @Override
    public String description() {
        return "embedded moto_server at " + endpoint();
    }
}
