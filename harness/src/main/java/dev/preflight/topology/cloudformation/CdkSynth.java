package dev.preflight.topology.cloudformation;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Synthesizes a CDK app written for node ({@code app.js} with {@code aws-cdk-lib} in its
 * {@code package.json}) into a cdk.out folder, offline and without the CDK CLI or an AWS account:
 * {@code npm ci} once when its {@code node_modules} is missing (from its lock file), then
 * {@code node app.js} with {@code CDK_OUTDIR} set, which the app passes to {@code new App({outdir})}.
 */
public final class CdkSynth {
    private static final long SYNTH_MINUTES = 3;

    private CdkSynth() {
    }

    /** Why synthesis cannot run here (no node or npm on the PATH), or null when it can. */
    public static String unavailable() {
        for (String tool : List.of("node", "npm")) {
            if (!onPath(tool)) {
                return tool + " is not on the PATH: a CDK app is synthesized with node (install Node.js 18 or later)";
            }
        }
        return null;
    }

    /** Runs the app in {@code appDir}, writing the cloud assembly to {@code outDir}; returns {@code outDir}. */
    public static Path synth(Path appDir, Path outDir) {
        String missing = unavailable();
        if (missing != null) {
            throw new IllegalStateException(missing);
        }
        if (!Files.isDirectory(appDir.resolve("node_modules"))) {
            run(appDir, List.of("npm", "ci", "--no-audit", "--no-fund"), Map.of(), "npm ci in " + appDir);
        }
        run(appDir, List.of("node", "app.js"), Map.of("CDK_OUTDIR", outDir.toAbsolutePath().toString()), "node app.js in " + appDir);
        if (!Files.isRegularFile(outDir.resolve("manifest.json"))) {
            throw new IllegalStateException("node app.js in " + appDir + " wrote no manifest.json to " + outDir
                    + ": the app must call app.synth() on new App({ outdir: process.env.CDK_OUTDIR })");
        }
        return outDir;
    }

    private static void run(Path dir, List<String> command, Map<String, String> env, String what) {
        try {
            Path log = Files.createTempFile("preflight-cdk-", ".log");
            try {
                ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                        .redirectOutput(log.toFile());
                pb.environment().putAll(env);
                Process p = pb.start();
                if (!p.waitFor(SYNTH_MINUTES, TimeUnit.MINUTES)) {
                    p.destroyForcibly();
                    throw new IllegalStateException(what + " did not finish within " + SYNTH_MINUTES + " minutes");
                }
                if (p.exitValue() != 0) {
                    throw new IllegalStateException(what + " failed (exit " + p.exitValue() + "):\n" + Files.readString(log, StandardCharsets.UTF_8));
                }
            } finally {
                Files.deleteIfExists(log);
            }
        } catch (IOException e) {
            throw new IllegalStateException(what + " could not run: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(what + " was interrupted", e);
        }
    }

    private static boolean onPath(String tool) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }
}
