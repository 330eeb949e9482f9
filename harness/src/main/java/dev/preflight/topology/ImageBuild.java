package dev.preflight.topology;

import java.nio.file.Path;
import java.util.List;

/**
 * How a repository's image is built, as the team's CI builds it ({@code ecr.repositories.<name>.build}):
 * from a Dockerfile and its build context (the default form), or, for what a Dockerfile cannot say without
 * Docker, the {@code process} form: the command, the folder it runs in and the files of that folder that
 * make the image.
 *
 * <p>Values are as the YAML writes them, except that the loader makes {@code context} and
 * {@code process.workingDir} absolute against the topology folder (the folder of base.yaml);
 * {@code dockerfile} is relative to the context, as in Docker Compose, and defaults to {@value #DEFAULT_DOCKERFILE}.
 */
public record ImageBuild(String dockerfile, String context, ProcessForm process) {
    public static final String DEFAULT_DOCKERFILE = "Dockerfile";

    /**
     * An image that is a process of this machine: {@code command} (the program and its arguments, run in
     * the image's root), {@code workingDir} (the folder whose files make the image) and {@code files} (glob
     * patterns relative to it, {@code **} for any depth; all files when omitted).
     */
    public record ProcessForm(List<String> command, String workingDir, List<String> files) {
        public ProcessForm {
            command = Maps.copy(command);
            files = Maps.copy(files);
        }

        public Path workingDirPath() {
            return workingDir == null ? null : Path.of(workingDir);
        }
    }

    public boolean isProcess() {
        return process != null;
    }

    /** The build context folder (absolute once loaded), or null in the process form. */
    public Path contextPath() {
        return context == null ? null : Path.of(context);
    }

    /** The Dockerfile: {@code dockerfile} (default {@value #DEFAULT_DOCKERFILE}) resolved against the context. */
    public Path dockerfilePath() {
        Path context = contextPath();
        String name = dockerfile == null ? DEFAULT_DOCKERFILE : dockerfile;
        return context == null ? Path.of(name) : context.resolve(name).normalize();
    }

    /** The same build with its folders made absolute against {@code topologyDir}. */
    ImageBuild resolvedAgainst(Path topologyDir) {
        return new ImageBuild(dockerfile, absolute(topologyDir, context),
                process == null ? null : new ProcessForm(process.command(), absolute(topologyDir, process.workingDir()), process.files()));
    }

    private static String absolute(Path dir, String path) {
        return path == null ? null : dir.toAbsolutePath().resolve(path).normalize().toString();
    }
}
