package dev.preflight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code preflight apply}: the running environment of {@code make up} made what its topology says again (drift put back). */
@Command(name = "apply", description = "Apply the topology to the running environment (make up): what was changed by hand is put back.")
final class ApplyCommand implements Callable<Integer> {
    @Option(names = "--env", defaultValue = "dev", description = "environment (default: ${DEFAULT-VALUE})")
    String environment;

    @Option(names = "--topology", description = "topology folder (default: -Dpreflight.topology.dir, or preflight/ here)")
    Path topology;

    @Override
    public Integer call() throws Exception {
        JsonNode answer = ControlEndpoint.call(topology, environment, "/apply", true);
        if (answer.has("error")) {
            System.err.println("preflight: " + answer.path("error").asText());
            return 2;
        }
        answer.path("changes").forEach(c -> System.out.println("  " + c.asText()));
        System.out.println("preflight apply: " + answer.path("summary").asText());
        return 0;
    }
}
