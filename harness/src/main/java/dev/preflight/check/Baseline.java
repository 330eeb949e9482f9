package dev.preflight.check;

import dev.preflight.topology.TopologyException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Where the baseline's topology folder is: {@code --baseline DIR} as given, or a git ref of the
 * repository holding the proposed topology, exported with {@code git archive} into a temporary folder
 * (what is committed at that ref, so build outputs that are not committed are not there). Closing
 * removes the export.
 */
final class Baseline implements AutoCloseable {
    private final Path topologyDir;
    private final Path export;

    private Baseline(Path topologyDir, Path export) {
        this.topologyDir = topologyDir;
        this.export = export;
    }

    static Baseline resolve(String given, Path proposedTopologyDir) {
        Path asDir = Path.of(given);
        if (Files.isDirectory(asDir)) {
            return new Baseline(asDir.toAbsolutePath().normalize(), null);
        }
        Path dir = proposedTopologyDir.toAbsolutePath().normalize();
        String root;
        try {
            root = git(dir, List.of("git", "rev-parse", "--show-toplevel")).strip();
        } catch (IllegalStateException e) {
            throw problem(given, "it is not a folder, and " + dir + " is not in a git repository (" + e.getMessage() + ")");
        }
        Path repo = Path.of(root);
        try {
            git(dir, List.of("git", "rev-parse", "--verify", "--quiet", given + "^{commit}"));
        } catch (IllegalStateException e) {
            throw problem(given, "it is neither a folder nor a commit, branch or tag of " + repo);
        }
        Path export;
        try {
            export = Files.createTempDirectory("preflight-baseline-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            Path tar = export.resolve(".baseline.tar");
            git(repo, List.of("git", "archive", "--format=tar", "-o", tar.toString(), given));
            run(export, List.of("tar", "-xf", tar.toString()));
            Files.delete(tar);
            Path relative = repo.relativize(dir.toRealPath());
            return new Baseline(export.resolve(relative), export);
        } catch (IOException | RuntimeException e) {
            delete(export);
            throw e instanceof RuntimeException r ? r : new UncheckedIOException((IOException) e);
        }
    }

    Path topologyDir() {
        return topologyDir;
    }

    private static TopologyException problem(String given, String why) {
        return new TopologyException(new TopologyException.Problem(Path.of(given), "--baseline", "cannot use '" + given + "' as the baseline: " + why,
                "give the folder of the baseline's topology (base.yaml and environments/) or a git ref such as main or HEAD~1"));
    }

    private static String git(Path dir, List<String> command) {
        return run(dir, command);
    }

    private static String run(Path dir, List<String> command) {
        try {
            Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + ": " + out.strip());
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", command) + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException ignored) {
            // a temp folder; the ledger's reaper does not know it, but the OS cleans /tmp
        }
    }

    @Override
    public void close() {
        if (export != null) {
            delete(export);
        }
    }
}
