package dev.preflight.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `preflight check` on input it cannot run: exit 2 and one message naming the file, the place and the fix; nothing started. */
class CheckCommandTest {
    @TempDir
    Path dir;

    private static CliRun check(String... args) {
        return CliRun.of("check", args);
    }

    @Test
    void aFolderWithoutATopologyExitsTwoNamingTheFile() {
        CliRun run = check("--topology", dir.toString());
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains(dir.resolve("base.yaml").toString()).contains("file not found").contains("base.yaml");
        assertThat(run.out()).doesNotContain("starting the engines");
    }

    @Test
    void aBrokenTopologyExitsTwoWithThePlaceAndTheFix() throws Exception {
        Path topology = Files.createDirectories(dir.resolve("t"));
        Files.createDirectories(topology.resolve("environments"));
        Files.writeString(topology.resolve("base.yaml"), "project: shop\nregion: eu-west-1\necs: {cluster: main, servces: {}}\n");
        Files.writeString(topology.resolve("environments/dev.yaml"), "");
        CliRun run = check("--topology", topology.toString());
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("base.yaml").contains("servces").contains("did you mean 'services'");
    }

    @Test
    void anUnknownCheckExitsTwoListingTheKnownOnes() {
        CliRun run = check("--topology", Path.of("../fixtures/topology").toString(), "--only", "cutovr");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("unknown check 'cutovr'").contains("cutover").contains("bad-release");
    }

    @Test
    void noTopologyFolderAtAllExitsTwoNamingTheFix() {
        // The harness module has no preflight/ folder and none is given.
        CliRun run = check();
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("No topology folder").contains("preflight.topology.dir");
    }

    @Test
    void anUnknownServiceExitsTwo() {
        CliRun run = check("--topology", Path.of("../fixtures/topology").toString(), "--service", "billing", "--only", "static");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("no ECS service [billing]").contains("api");
    }

    @Test
    void aBaselineThatIsNeitherAFolderNorARefExitsTwo() {
        CliRun run = check("--topology", Path.of("../fixtures/topology").toString(), "--baseline", "no-such-ref-anywhere", "--only", "static");
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("cannot use 'no-such-ref-anywhere' as the baseline");
    }
}
