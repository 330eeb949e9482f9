package dev.preflight.runtime;

import dev.preflight.image.Image;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An image's ENTRYPOINT + CMD as a process of this machine. The image's files are laid out in a folder
 * (its root); the base image is not there, so:
 * <ul>
 *   <li>the runtime its FROM implies must be on this machine: {@code eclipse-temurin}, {@code openjdk},
 *       {@code amazoncorretto} and the like imply {@code java} (this JVM's), {@code node} images {@code node},
 *       {@code python} images {@code python3} (or {@code python}); a missing one stops the launch;</li>
 *   <li>the program: a runtime's name (or its path in the base image, e.g. {@code /usr/local/bin/node}) is this
 *       machine's runtime; a path the image's files hold is taken in the root; any other name is looked up on
 *       this machine's PATH, and a node image runs a first argument that is no program with node, as its
 *       entrypoint does;</li>
 *   <li>arguments that are absolute paths the image holds ({@code /app/sample-app.jar}, also after
 *       {@code =}, in a {@code :} list, or inside an {@code sh -c} script) are taken in the root.</li>
 * </ul>
 * Base images it does not know run their command as given. A program that is not found is a
 * {@link TaskStartException} worded as ECS's CannotStartContainerError.
 */
final class ProcessCommand {
    /** The language runtimes a base image may imply, and their program names. */
    enum BaseRuntime {
        JAVA("java", "install a JDK or JRE 17+ (this JVM's java is used)"),
        NODE("node", "install Node.js (e.g. apt-get install nodejs) so that node is on the PATH"),
        PYTHON("python3", "install Python 3 (e.g. apt-get install python3) so that python3 is on the PATH");

        final String program;
        final String install;

        BaseRuntime(String program, String install) {
            this.program = program;
            this.install = install;
        }
    }

    private static final List<String> JAVA_IMAGES = List.of("eclipse-temurin", "openjdk", "amazoncorretto", "ibm-semeru-runtimes",
            "sapmachine", "zulu-openjdk", "liberica-openjdk", "liberica-runtime", "java", "jre", "jdk", "maven", "gradle");
    private static final List<String> NODE_IMAGES = List.of("node", "nodejs");
    private static final List<String> PYTHON_IMAGES = List.of("python");
    private static final Pattern PYTHON_PROGRAM = Pattern.compile("python(3(\\.\\d+)?)?");
    private static final List<String> SHELLS = List.of("sh", "bash", "dash", "ash", "zsh");
    private static final Pattern SHELL_PATH = Pattern.compile("(?<![\\w./-])/[\\w.@+/-]+");

    private ProcessCommand() {
    }

    /** The runtime a base image implies, by its repository's last name: {@code node:20-alpine} → NODE. */
    static Optional<BaseRuntime> impliedBy(String baseImage) {
        if (baseImage == null) {
            return Optional.empty();
        }
        String name = baseImage;
        int at = name.indexOf('@');
        if (at >= 0) {
            name = name.substring(0, at);
        }
        int slash = name.lastIndexOf('/');
        name = name.substring(slash + 1);
        int colon = name.indexOf(':');
        if (colon >= 0) {
            name = name.substring(0, colon);
        }
        name = name.toLowerCase(Locale.ROOT);
        if (startsWithName(name, JAVA_IMAGES)) {
            return Optional.of(BaseRuntime.JAVA);
        }
        if (startsWithName(name, NODE_IMAGES)) {
            return Optional.of(BaseRuntime.NODE);
        }
        if (startsWithName(name, PYTHON_IMAGES)) {
            return Optional.of(BaseRuntime.PYTHON);
        }
        return Optional.empty();
    }

    /** {@code nodejs20-debian12} starts with the name {@code nodejs}; {@code javalin-app} does not start with {@code java}. */
    private static boolean startsWithName(String name, List<String> names) {
        for (String n : names) {
            if (name.equals(n) || name.startsWith(n) && !Character.isLetter(name.charAt(n.length()))) {
                return true;
            }
        }
        return false;
    }

    /** The command to start, its program an absolute path of this machine; programs are looked up on {@code machinePath}. */
    static List<String> of(Image image, Path root, String machinePath) {
        List<String> argv = image.config().command();
        String from = image.baseImage() == null ? "the process form" : "FROM " + image.baseImage();
        if (argv.isEmpty()) {
            throw new TaskStartException("CannotStartContainerError: no command specified: image " + image.shortDigest() + " (" + from
                    + ") has no ENTRYPOINT or CMD. Fix: give the Dockerfile a CMD or ENTRYPOINT");
        }
        Optional<BaseRuntime> implied = impliedBy(image.baseImage());
        if (implied.isPresent() && runtime(implied.get(), machinePath).isEmpty()) {
            BaseRuntime r = implied.get();
            throw new TaskStartException("CannotStartContainerError: " + from + " runs on " + r.program + ", which is not on this machine's PATH ("
                    + machinePath + "): Preflight runs a task as a process of this machine, with the runtime its base image implies. Fix: "
                    + r.install + ", or build the repository with the process form");
        }
        Path workdir = root.resolve(image.config().workingDir().substring(1));
        List<String> command = new ArrayList<>();
        String program = argv.get(0);
        Optional<String> resolved = program(program, root, workdir, machinePath);
        int firstArgument = 1;
        if (resolved.isEmpty() && implied.equals(Optional.of(BaseRuntime.NODE))
                && (program.startsWith("-") || Files.isRegularFile(inImage(program, root, workdir)))) {
            // The node image's docker-entrypoint.sh: "node" goes first when the first argument is no program.
            resolved = runtime(BaseRuntime.NODE, machinePath);
            firstArgument = 0;
        }
        if (resolved.isEmpty()) {
            throw new TaskStartException("CannotStartContainerError: failed to start the container process: exec: \"" + program
                    + "\": executable file not found in $PATH (command " + argv + ", " + from + "; Preflight runs it as a process of this machine,"
                    + " whose PATH is " + machinePath + "). Fix: install " + program + " on this machine, COPY it into the image"
                    + " and name its path, or build the repository with the process form (build.process.command)");
        }
        command.add(resolved.get());
        boolean shell = SHELLS.contains(Path.of(program).getFileName().toString());
        boolean script = false;
        for (String arg : argv.subList(firstArgument, argv.size())) {
            if (shell && script) {
                command.add(mapScript(arg, root));
                script = false;
                continue;
            }
            if (shell && arg.startsWith("-") && !arg.startsWith("--") && arg.contains("c")) {
                script = true;
            }
            command.add(mapArgument(arg, root));
        }
        return List.copyOf(command);
    }

    /**
     * The image's ENV as the process gets it: a PATH the image sets has its folders taken in the root and this
     * machine's PATH after them (the base image's is not here); a Java image puts this JVM's java first.
     */
    static Map<String, String> environment(Image image, Path root, String machinePath) {
        Map<String, String> env = new LinkedHashMap<>(image.config().env());
        List<String> path = new ArrayList<>();
        if (impliedBy(image.baseImage()).equals(Optional.of(BaseRuntime.JAVA))) {
            path.add(Path.of(javaBinary()).getParent().toString());
        }
        String imagePath = env.get("PATH");
        if (imagePath != null) {
            for (String dir : imagePath.split(":")) {
                if (dir.startsWith("/") && dir.length() > 1 && Files.isDirectory(root.resolve(dir.substring(1)))) {
                    path.add(root.resolve(dir.substring(1)).toString());
                }
            }
        }
        if (machinePath != null && !machinePath.isEmpty()) {
            path.add(machinePath);
        }
        if (imagePath != null || !path.isEmpty()) {
            env.put("PATH", String.join(":", path));
        }
        return env;
    }

    private static Optional<String> program(String program, Path root, Path workdir, String machinePath) {
        String name = Path.of(program).getFileName() == null ? program : Path.of(program).getFileName().toString();
        if (program.contains("/")) {
            Path image = inImage(program, root, workdir);
            if (Files.exists(image)) {
                return Optional.of(image.toString());
            }
        }
        Optional<BaseRuntime> runtime = runtimeNamed(name);
        if (runtime.isPresent()) {
            return runtime(runtime.get(), machinePath);
        }
        if (program.contains("/")) {
            return program.startsWith("/") && Files.isExecutable(Path.of(program)) ? Optional.of(program) : Optional.empty();
        }
        return onPath(program, machinePath);
    }

    private static Path inImage(String path, Path root, Path workdir) {
        return path.startsWith("/") ? root.resolve(path.substring(1)) : workdir.resolve(path);
    }

    private static Optional<BaseRuntime> runtimeNamed(String name) {
        if (name.equals("java")) {
            return Optional.of(BaseRuntime.JAVA);
        }
        if (name.equals("node") || name.equals("nodejs")) {
            return Optional.of(BaseRuntime.NODE);
        }
        return PYTHON_PROGRAM.matcher(name).matches() ? Optional.of(BaseRuntime.PYTHON) : Optional.empty();
    }

    /** This machine's program for a runtime: this JVM's java, node and python3 (or python) from the PATH. */
    static Optional<String> runtime(BaseRuntime runtime, String machinePath) {
        return switch (runtime) {
            case JAVA -> Optional.of(javaBinary());
            case NODE -> onPath("node", machinePath).or(() -> onPath("nodejs", machinePath));
            case PYTHON -> onPath("python3", machinePath).or(() -> onPath("python", machinePath));
        };
    }

    static String javaBinary() {
        return ProcessHandle.current().info().command()
                .filter(c -> Path.of(c).getFileName().toString().startsWith("java"))
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static Optional<String> onPath(String name, String path) {
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return Optional.of(candidate.toString());
            }
        }
        return Optional.empty();
    }

    /** A whole argument, the value after its first '=', or each element of a ':' list, taken in the root if the image holds it. */
    private static String mapArgument(String arg, Path root) {
        int eq = arg.indexOf('=');
        if (!arg.startsWith("/") && eq > 0) {
            return arg.substring(0, eq + 1) + mapList(arg.substring(eq + 1), root);
        }
        return mapList(arg, root);
    }

    private static String mapList(String value, Path root) {
        if (!value.startsWith("/")) {
            return value;
        }
        String[] parts = value.split(":", -1);
        for (int i = 0; i < parts.length; i++) {
            parts[i] = mapPath(parts[i], root);
        }
        return String.join(":", parts);
    }

    private static String mapPath(String path, Path root) {
        if (!path.startsWith("/") || path.equals("/")) {
            return path;
        }
        String plain = path.endsWith("/*") ? path.substring(0, path.length() - 2) : path;
        Path inRoot = root.resolve(plain.substring(1));
        return Files.exists(inRoot) ? inRoot + path.substring(plain.length()) : path;
    }

    /** An {@code sh -c} script: the absolute paths in it that the image holds are taken in the root. */
    private static String mapScript(String script, Path root) {
        Matcher m = SHELL_PATH.matcher(script);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            m.appendReplacement(out, Matcher.quoteReplacement(mapPath(m.group(), root)));
        }
        m.appendTail(out);
        return out.toString();
    }
}
