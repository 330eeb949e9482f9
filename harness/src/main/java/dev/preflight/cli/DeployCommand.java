package dev.preflight.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code preflight deploy SERVICE [--version V]}: the deploy pipeline, run by the environment's running {@code preflight up}. */
@Command(name = "deploy", description = "Build, push and roll out a new version of one service of a running environment (make up).")
final class DeployCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "the ECS service, by its topology name (e.g. api)")
    String service;

    @Option(names = "--version", description = "the version (image tag); default: v<epoch seconds>")
    String version;

    @Option(names = "--env", defaultValue = "dev", description = "environment (default: ${DEFAULT-VALUE})")
    String environment;

    @Option(names = "--topology", description = "topology folder (default: -Dpreflight.topology.dir, or preflight/ here)")
    Path topology;

    @Override
    public Integer call() throws Exception {
        String query = "service=" + URLEncoder.encode(service, StandardCharsets.UTF_8)
                + (version == null ? "" : "&version=" + URLEncoder.encode(version, StandardCharsets.UTF_8));
        JsonNode answer = ControlEndpoint.call(topology, environment, "/deploy?" + query, true);
        if (answer.has("error")) {
            System.err.println("preflight: " + answer.path("error").asText());
            return 2;
        }
        System.out.printf("preflight: %s %s of %s in %.1f s%s%n", answer.path("result").asText(), answer.path("version").asText(),
                service, answer.path("seconds").asDouble(), answer.path("reason").isNull() ? "" : ": " + answer.path("reason").asText());
        return "SUCCEEDED".equals(answer.path("result").asText()) ? 0 : 1;
    }
}
