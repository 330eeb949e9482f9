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
 * (what is committed at that ref, so build outputs that are not committed are not there, unless a
 * build command makes them there, as the team's CI would). Closing removes the export.
 */
final class Baseline implements AutoCloseable {
    private static final java.time.Duration BUILD_TIMEOUT = java.time.Duration.ofMinutes(20);
    private final Path topologyDir;
    private final Path export;

    private Baseline(Path topologyDir, Path export) {
        this.topologyDir = topologyDir;
        this.export = export;
    }

    static Baseline resolve(String given, Path proposedTopologyDir) {
        return resolve(given, proposedTopologyDir, null);
    }

    /**
     * @param build a shell command run at the root of a git ref's export before anything is built from
     *              it (the team's CI build: what its Dockerfiles COPY and the repository does not hold),
     *              or null; a folder baseline is used as it is
     */
    static Baseline resolve(String given, Path proposedTopologyDir, String build) {
        Path asDir = Path.of(given);
        if (Files.isDirectory(asDir)) {
            if (build != null) {
                throw new TopologyException(new TopologyException.Problem(Path.of(given), "--baseline-build",
                        "--baseline-build builds a git ref's export; the folder '" + given + "' is used as it is",
                        "build the folder first and leave out --baseline-build, or give --baseline a git ref such as main"));
            }
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
            if (build != null) {
                build(export, build, given);
            }
            Path relative = repo.relativize(dir.toRealPath());
            return new Baseline(export.resolve(relative), export);
        } catch (IOException | RuntimeException e) {
            delete(export);
            throw e instanceof RuntimeException r ? r : new UncheckedIOException((IOException) e);
        }
    }

    /** Runs the baseline's build in its export; a failure is bad input naming the command, its exit and its last lines. */
    private static void build(Path export, String command, String given) throws IOException {
        Path log = Files.createTempFile("preflight-baseline-build-", ".log");
        try {
            Process p = new ProcessBuilder("sh", "-c", command).directory(export.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            boolean ended = p.waitFor(BUILD_TIMEOUT.toMinutes(), TimeUnit.MINUTES);
            if (!ended) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
            }
            if (!ended || p.exitValue() != 0) {
                List<String> lines = Files.readAllLines(log);
                String tail = String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
                throw new TopologyException(new TopologyException.Problem(Path.of(given), "--baseline-build",
                        "the baseline's build `" + command + "` " + (ended ? "exited with " + p.exitValue() : "ran longer than "
                                + BUILD_TIMEOUT.toMinutes() + " minutes") + " in the export of " + given + ":\n" + tail,
                        "make the command build, at that commit, what the Dockerfiles COPY (as the team's CI does), or give --baseline"
                                + " the folder of a built checkout"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the baseline was built");
        } finally {
            Files.deleteIfExists(log);
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
