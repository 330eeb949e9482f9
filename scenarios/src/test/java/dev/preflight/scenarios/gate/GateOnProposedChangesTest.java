package dev.preflight.scenarios.gate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.preflight.check.Gate;
import dev.preflight.check.GateResult;
import dev.preflight.check.Verdict;
import dev.preflight.check.VerdictTable;
import dev.preflight.engine.Engines;
import dev.preflight.environment.TopologyLocator;
import dev.preflight.junit.PreflightEnvironment;
import dev.preflight.report.ScenarioReport;
import dev.preflight.topology.Overlay;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import dev.preflight.engine.EngineSettings;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The gate on proposed changes to the reference environment (fixtures/changes): each bad change exits 1
 * with the check that refuses it and the words of its fix; the good change exits 0. Each gate run has
 * its own report folder; this scenario's page says whether the gate caught the change as intended.
 * Tagged containers: it runs again with Docker-built images as container tasks.
 */
@Tag("containers")
@PreflightEnvironment
class GateOnProposedChangesTest {
    private static final YAMLMapper YAML = new YAMLMapper();

    static Stream<String> changes() throws IOException {
        try (Stream<Path> files = Files.list(changesDir())) {
            // -Dpreflight.changes=scaling-* runs only the fixtures whose file name matches (a glob).
            java.nio.file.PathMatcher only = changesDir().getFileSystem().getPathMatcher("glob:" + System.getProperty("preflight.changes", "*"));
            return files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".yaml") && only.matches(Path.of(n))).sorted().toList()
                    .stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("changes")
    void theGateJudgesTheProposedChange(String file, Engines engines) throws IOException {
        String name = file.substring(0, file.length() - ".yaml".length());
        JsonNode change = YAML.readTree(changesDir().resolve(file).toFile());
        JsonNode expect = change.path("expect");
        assumeFalse(change.path("tasks").asText("").equals("processes") && EngineSettings.fromSystem().containerTasks(),
                file + " is checked with process tasks (tasks: processes)");
        Path gateReport = ScenarioReport.defaultDir().resolve("gate-" + name);
        Gate gate = Gate.of("dev").withProject("gate" + name.replace("-", "")).withEngines(engines).withReportDir(gateReport)
                .withOverlay(Overlay.yaml(file, change.path("overlay").asText("")))
                .forServices(strings(change.path("services"))).only(strings(change.path("only")));
        for (Map.Entry<String, JsonNode> e : fields(change.path("imageEnv")).entrySet()) {
            Map<String, String> env = new LinkedHashMap<>();
            fields(e.getValue()).forEach((k, v) -> env.put(k, v.asText()));
            gate = gate.withImageEnv(e.getKey(), env);
        }
        JsonNode baseline = change.path("baseline");
        if (baseline.isObject()) {
            // a git ref of this repository, built as its CI would build it
            gate = gate.withBaseline(baseline.path("ref").asText(), baseline.path("build").asText(null));
        } else if (baseline.asBoolean(false)) {
            gate = gate.withBaseline(TopologyLocator.topologyDir().toString());
        }

        GateResult result = gate.run();
        String table = VerdictTable.render(result.verdicts());
        System.out.println(table + result.summary());

        int exit = expect.path("exit").asInt();
        boolean asExpected = result.exitCode() == exit;
        JsonNode seen = expect.path("evidence");
        if (!seen.isMissingNode()) {
            asExpected &= result.verdicts().stream().anyMatch(v -> v.check().equals(seen.path("check").asText())
                    && strings(seen.path("contains")).stream().allMatch(v.evidence()::contains));
        }
        if (exit == GateResult.FAILED) {
            asExpected &= result.failures().stream().anyMatch(v -> v.check().equals(expect.path("check").asText())
                    && v.service().equals(expect.path("service").asText()) && v.fix().contains(expect.path("fix").asText()));
        }
        ScenarioReport report = ScenarioReport.named("Gate on the proposed change " + name)
                .section("The change (fixtures/changes/" + file + ")", Files.readString(changesDir().resolve(file)))
                .section("Verdicts", table + "\n" + result.summary() + "\nThe gate's own pages: gate-" + name + "/index.html");
        if (exit == GateResult.SAFE) {
            report.verdict(asExpected, "exit " + result.exitCode() + " (expected 0)");
        } else {
            report.caughtAsIntended(asExpected, "exit " + result.exitCode() + ", refused by " + result.failures().stream()
                    .map(v -> v.check() + " " + v.service()).toList());
        }
        report.write(ScenarioReport.defaultDir());

        assertThat(result.problem()).as("the gate could run").isNull();
        assertThat(result.exitCode()).as("exit code; verdicts:\n%s", table).isEqualTo(exit);
        if (exit == GateResult.FAILED) {
            assertThat(result.failures()).as("the failing checks").anySatisfy(v -> {
                assertThat(v.check()).isEqualTo(expect.path("check").asText());
                assertThat(v.service()).isEqualTo(expect.path("service").asText());
                assertThat(v.fix()).contains(expect.path("fix").asText());
            });
        } else {
            assertThat(result.verdicts()).extracting(Verdict::outcome).doesNotContain(Verdict.Outcome.ERROR, Verdict.Outcome.FAILED);
        }
        JsonNode evidence = expect.path("evidence");
        if (!evidence.isMissingNode()) {
            assertThat(result.verdicts()).as("the evidence of %s %s", evidence.path("check").asText(), evidence.path("service").asText())
                    .anySatisfy(v -> {
                        assertThat(v.check()).isEqualTo(evidence.path("check").asText());
                        assertThat(v.service()).isEqualTo(evidence.path("service").asText());
                        assertThat(v.evidence()).contains(strings(evidence.path("contains")));
                    });
        }
    }

    private static Path changesDir() {
        return TopologyLocator.topologyDir().resolveSibling("changes");
    }

    private static List<String> strings(JsonNode list) {
        List<String> out = new ArrayList<>();
        list.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static Map<String, JsonNode> fields(JsonNode node) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }
}
