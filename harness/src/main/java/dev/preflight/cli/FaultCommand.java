package dev.preflight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code preflight fault postgres cut}: a fault between the running {@code make up}'s tasks and an engine, or its end. */
@Command(name = "fault", description = "Cut, slow or reset the connections of a running environment's tasks (make up) to PostgreSQL or"
        + " Redis, or restore them: preflight fault postgres|redis cut|restore|reset|latency [--ms N]")
final class FaultCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "postgres or redis")
    String engine;

    @Parameters(index = "1", description = "cut (unreachable), restore, reset (every connection reset once) or latency")
    String action;

    @Option(names = "--ms", defaultValue = "200", description = "added latency each way, for latency (default: ${DEFAULT-VALUE})")
    long millis;

    @Option(names = "--env", defaultValue = "dev", description = "environment (default: ${DEFAULT-VALUE})")
    String environment;

    @Option(names = "--topology", description = "topology folder (default: -Dpreflight.topology.dir, or preflight/ here)")
    Path topology;

    @Override
    public Integer call() throws Exception {
        JsonNode answer = ControlEndpoint.call(topology, environment, "/fault?engine=" + URLEncoder.encode(engine, StandardCharsets.UTF_8)
                + "&action=" + URLEncoder.encode(action, StandardCharsets.UTF_8) + "&ms=" + millis, true);
        if (answer.has("error")) {
            System.err.println("preflight: " + answer.path("error").asText());
            return 2;
        }
        System.out.println("preflight fault: " + answer.path("engine").asText() + " " + answer.path("action").asText() + "; faults so far: "
                + answer.path("faults"));
        return 0;
    }
}
