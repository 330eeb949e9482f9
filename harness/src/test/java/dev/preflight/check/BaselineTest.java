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
    void aGitRefsBuildMakesWhatItsDockerfilesCopyBeforeAnythingIsBuiltFromIt() throws Exception {
        Path topology = commitOne();
        String build = "mkdir -p app/target && echo built > app/target/app.jar";
        Path exported;
        try (Baseline b = Baseline.resolve("before", topology, build)) {
            exported = b.topologyDir().getParent();
            assertThat(Files.readString(exported.resolve("app/target/app.jar"))).isEqualTo("built\n");
        }
        assertThat(exported).doesNotExist();
        assertThat(repo.resolve("app/target")).as("the build ran in the export, not in the working tree").doesNotExist();
    }

    @Test
    void aFailingBuildIsBadInputNamingTheCommandItsExitAndItsLastLines() throws Exception {
        Path topology = commitOne();
        assertThatThrownBy(() -> Baseline.resolve("before", topology, "echo cannot find the sources; exit 3"))
                .isInstanceOf(TopologyException.class)
                .hasMessageContaining("the baseline's build `echo cannot find the sources; exit 3` exited with 3")
                .hasMessageContaining("cannot find the sources")
                .hasMessageContaining("give --baseline the folder of a built checkout");
    }

    @Test
    void aBuildIsForAGitRefNotForAFolderUsedAsItIs() {
        assertThatThrownBy(() -> Baseline.resolve(repo.toString(), repo, "make")).isInstanceOf(TopologyException.class)
                .hasMessageContaining("--baseline-build builds a git ref's export");
    }

    private Path commitOne() throws Exception {
        Path topology = Files.createDirectories(repo.resolve("preflight"));
        Files.writeString(topology.resolve("base.yaml"), "project: old\n");
        Files.createDirectories(repo.resolve("app"));
        Files.writeString(repo.resolve("app/Dockerfile"), "FROM eclipse-temurin:17-jre\nCOPY target/app.jar /app.jar\n");
        git("init", "-q");
        git("-c", "user.email=t@example.com", "-c", "user.name=t", "add", ".");
        git("-c", "user.email=t@example.com", "-c", "user.name=t", "commit", "-q", "-m", "old");
        git("tag", "before");
        return topology;
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
