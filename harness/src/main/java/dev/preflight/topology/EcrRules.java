package dev.preflight.topology;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The validation rules of ECR repositories and how their images are built (a Dockerfile and its context, or the process form). */
final class EcrRules extends ValidationRules {
    EcrRules(ValidationRules context) {
        super(context);
    }

    void ecr() {
        for (Map.Entry<String, EcrRepository> entry : present(topology.ecr().repositories(), "ecr.repositories")) {
            String path = "ecr.repositories." + entry.getKey();
            name(path, entry.getKey(), "repository");
            oneOf(path + ".imageTagMutability", entry.getValue().imageTagMutability(), List.of("MUTABLE", "IMMUTABLE"),
                    "imageTagMutability");
            if (entry.getValue().build() != null) {
                imageBuild(path + ".build", entry.getValue().build());
            }
        }
    }

    /**
     * The repository's image build: one form only; the Dockerfile form needs its context folder and its
     * Dockerfile, the process form a command and its working folder. Folders are relative to the topology
     * folder (the loader has made them absolute); the Dockerfile is read when the image is built, not here.
     */
    private void imageBuild(String path, ImageBuild build) {
        Path topologyDir = sources.baseFile().toAbsolutePath().getParent();
        if (build.process() != null) {
            if (build.dockerfile() != null || build.context() != null) {
                problem(path, "has both a Dockerfile form (" + (build.context() != null ? "context" : "dockerfile")
                                + ") and a process form",
                        "keep one: 'build: { dockerfile: Dockerfile, context: ../app }' or 'build: { process: { command: [...], "
                                + "workingDir: ... } }'");
                return;
            }
            ImageBuild.ProcessForm process = build.process();
            String processPath = path + ".process";
            if (process.command().isEmpty()) {
                problem(processPath + ".command", "is missing or empty",
                        "give the program and its arguments, e.g. 'command: [node, server.js]'");
            }
            for (int i = 0; i < process.command().size(); i++) {
                if (process.command().get(i).isBlank()) {
                    problem(processPath + ".command[" + i + "]", "is blank", "remove the empty argument");
                }
            }
            if (required(process.workingDir(), processPath + ".workingDir",
                    "name the folder the command runs in and whose files make the image, relative to " + topologyDir)) {
                folder(processPath + ".workingDir", process.workingDirPath(), "working folder", topologyDir);
            }
            for (int i = 0; i < process.files().size(); i++) {
                String pattern = process.files().get(i);
                if (pattern.isBlank() || pattern.startsWith("/") || List.of(pattern.split("/")).contains("..")) {
                    problem(processPath + ".files[" + i + "]", "'" + pattern + "' is not a pattern inside the working folder",
                            "write a glob relative to workingDir, e.g. 'server.js' or 'static/**'");
                }
            }
            return;
        }
        if (!required(build.context(), path + ".context",
                "name the build context folder, relative to " + topologyDir + ", e.g. 'context: ../app'")) {
            return;
        }
        if (folder(path + ".context", build.contextPath(), "build context folder", topologyDir)
                && !Files.isRegularFile(build.dockerfilePath())) {
            problem(build.dockerfile() != null ? path + ".dockerfile" : path,
                    "Dockerfile " + build.dockerfilePath() + " not found",
                    build.dockerfile() != null ? "name a file of the context (dockerfile is relative to the context) or add it"
                            : "add a Dockerfile to the context, or name yours with 'dockerfile:' (relative to the context)");
        }
    }

    private boolean folder(String path, Path folder, String what, Path topologyDir) {
        if (Files.isDirectory(folder)) {
            return true;
        }
        problem(path, what + " " + folder + (Files.exists(folder) ? " is not a folder" : " does not exist"),
                "name an existing folder, relative to the topology folder " + topologyDir);
        return false;
    }
}
