package dev.preflight.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The corpus of broken topologies in src/test/resources/topology/invalid: each case is a folder with
 * base.yaml, environments/dev.yaml and expected.txt, the substrings (one per line) that the error must
 * contain. Every case is small and broken in one way only, so it must report exactly one problem, and
 * that problem's line must hold every expected substring: the file, the path and the message.
 */
class InvalidTopologyCorpusTest {

    static Stream<String> invalidCases() throws IOException {
        try (Stream<Path> dirs = Files.list(corpus().resolve("invalid"))) {
            return dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidCases")
    void reportsWhereAndWhatIsWrong(String name) throws IOException {
        Path dir = corpus().resolve("invalid").resolve(name);
        List<String> expected = Files.readAllLines(dir.resolve("expected.txt")).stream()
                .filter(line -> !line.isBlank()).toList();
        assertThat(expected).as("expected.txt of %s", name).isNotEmpty()
                .anyMatch(line -> line.equals("base.yaml") || line.equals("dev.yaml"));

        TopologyException e = catchThrowableOfType(TopologyException.class, () -> new TopologyLoader().load(dir, "dev"));

        assertThat(e).as("%s must not load", name).isNotNull();
        assertThat(e.getMessage()).contains(expected);
        assertThat(e.problems()).as("problems of %s", name).hasSize(1);
        TopologyException.Problem problem = e.problems().get(0);
        assertThat(problem.toString()).contains(expected);
        assertThat(problem.file()).startsWith(dir);
        assertThat(e.getMessage()).contains(problem.file().getFileName().toString());
        assertThat(problem.fix()).as("fix of %s", name).isNotBlank();
    }

    @Test
    void corpusIsLargeEnough() throws IOException {
        assertThat(invalidCases()).hasSizeGreaterThanOrEqualTo(24);
    }

    @Test
    void minimalTopologyLoads() throws IOException {
        Topology topology = new TopologyLoader().load(corpus().resolve("valid-minimal"), "dev");

        assertThat(topology.project()).isEqualTo("demo");
        assertThat(topology.network().subnets()).containsKey("private-a");
    }

    static Path corpus() {
        try {
            return Path.of(InvalidTopologyCorpusTest.class.getResource("/topology").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
