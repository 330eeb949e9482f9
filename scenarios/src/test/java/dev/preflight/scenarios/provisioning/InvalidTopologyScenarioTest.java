package dev.preflight.scenarios.provisioning;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.preflight.environment.Environment;
import dev.preflight.junit.PreflightEnvironment;
import dev.preflight.provision.ResourceInventory;
import dev.preflight.topology.TopologyException;
import dev.preflight.topology.TopologyLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every broken topology of the corpus, taken down the path a user takes (load, then provision),
 * fails with its message and leaves the AWS engine exactly as it was.
 */
@PreflightEnvironment("dev")
class InvalidTopologyScenarioTest {
    private static final Path CORPUS = Path.of(System.getProperty("preflight.topology.corpus", "../harness/src/test/resources/topology/invalid"));

    @Test
    void everyInvalidTopologyFailsWithItsMessageAndCreatesNothing(Environment env) throws IOException {
        List<Path> cases;
        try (Stream<Path> dirs = Files.list(CORPUS)) {
            cases = dirs.filter(d -> Files.isRegularFile(d.resolve("expected.txt"))).sorted().toList();
        }
        assertThat(cases).as("invalid topologies in %s", CORPUS.toAbsolutePath()).hasSizeGreaterThanOrEqualTo(20);
        List<String> before = ResourceInventory.everything(env.aws());
        for (Path dir : cases) {
            List<String> expected = Files.readAllLines(dir.resolve("expected.txt")).stream().filter(l -> !l.isBlank()).toList();
            assertThatThrownBy(() -> Environment.provision(new TopologyLoader().load(dir, "dev"), env.engines(), System.out).close())
                    .as("case %s", dir.getFileName())
                    .isInstanceOf(TopologyException.class)
                    .satisfies(e -> expected.forEach(line -> assertThat(e.getMessage()).as("message of %s", dir.getFileName()).contains(line)));
        }
        assertThat(ResourceInventory.everything(env.aws())).as("resources in the engine after every invalid topology")
                .containsExactlyInAnyOrderElementsOf(before);
    }
}
