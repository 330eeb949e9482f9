package dev.preflight.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.preflight.topology.TopologyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** --baseline: a folder as given, or what a git ref holds, exported and removed afterwards. */
class BaselineTest {
    @TempDir
    Path repo;

    @Test
    void aFolderIsUsedAsGiven() {
        try (Baseline b = Baseline.resolve(repo.toString(), repo)) {
            assertThat(b.topologyDir()).isEqualTo(repo.toAbsolutePath().normalize());
        }
        assertThat(repo).exists();
    }

    @Test
    void aGitRefIsExportedAtTheSamePlaceInTheRepositoryAndRemovedAfterwards() throws Exception {
        Path topology = Files.createDirectories(repo.resolve("preflight"));
        Files.writeString(topology.resolve("base.yaml"), "project: old\n");
        git("init", "-q");
        git("-c", "user.email=t@example.com", "-c", "user.name=t", "add", ".");
        git("-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "-m", "old");
        git("tag", "before");
        Files.writeString(topology.resolve("base.yaml"), "project: new\n");

        Path exported;
        try (Baseline b = Baseline.resolve("before", topology)) {
            exported = b.topologyDir();
            assertThat(exported).isNotEqualTo(topology.toRealPath());
            assertThat(exported.getFileName().toString()).isEqualTo("preflight");
            assertThat(Files.readString(exported.resolve("base.yaml"))).isEqualTo("project: old\n");
        }
        assertThat(exported).doesNotExist();
    }

    @Test
    void neitherAFolderNorARefIsBadInputNamingTheFix() throws Exception {
        git("init", "-q");
        assertThatThrownBy(() -> Baseline.resolve("no-such-branch", repo)).isInstanceOf(TopologyException.class)
                .hasMessageContaining("cannot use 'no-such-branch' as the baseline")
                .hasMessageContaining("give the folder of the baseline's topology");
    }

    private void git(String... args) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("git"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).directory(repo.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
    }
}
