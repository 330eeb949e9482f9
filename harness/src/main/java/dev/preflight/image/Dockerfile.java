package dev.preflight.image;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Dockerfile read without Docker: its final stage, as the image config and the list of files it copies
 * from the build context. Docker's rules, from the Dockerfile reference:
 * <ul>
 *   <li>parser directives ({@code # escape=`}, {@code # syntax=...}) at the top, comments, line continuations
 *       with the escape character, instructions in any case;</li>
 *   <li>{@code ARG} before {@code FROM} (for FROM lines only; a stage sees one when it declares it again) and in the
 *       stage, with defaults; {@code ${VAR}}, {@code $VAR}, {@code ${VAR:-word}}, {@code ${VAR:+word}} (and
 *       {@code -}, {@code +}, {@code ?} without the colon) in the instructions Docker expands them in: FROM, ARG,
 *       ENV, LABEL, WORKDIR, USER, EXPOSE, STOPSIGNAL, COPY and ADD; ENV overrides an ARG of the same name; an
 *       instruction sees the values from before it;</li>
 *   <li>ENTRYPOINT, CMD, HEALTHCHECK CMD in the exec (JSON) form, or the shell form, which becomes the SHELL
 *       ({@code /bin/sh -c}) with the text as written; ENV and LABEL in both syntaxes.</li>
 * </ul>
 * What cannot be honoured without Docker is refused with one message naming the file and the line:
 * RUN in the final stage (it would change the image at build time), COPY --from and a final stage built
 * FROM an earlier one (they are made by RUN), ADD of a URL (and of a local archive, by {@link ImageBuilder}).
 * Earlier stages are read for their names only. VOLUME, ONBUILD and MAINTAINER are accepted and have no
 * effect on a process task.
 */
public final class Dockerfile {
    /** Every instruction of the Dockerfile reference. */
    static final List<String> INSTRUCTIONS = List.of("ADD", "ARG", "CMD", "COPY", "ENTRYPOINT", "ENV", "EXPOSE", "FROM",
            "HEALTHCHECK", "LABEL", "MAINTAINER", "ONBUILD", "RUN", "SHELL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR");
    /** BuildKit's automatic platform ARGs (a stage sees them when it declares them without a value). */
    private static final Map<String, String> PLATFORM_ARGS = Map.of(
            "TARGETPLATFORM", "linux/amd64", "TARGETOS", "linux", "TARGETARCH", "amd64", "TARGETVARIANT", "",
            "BUILDPLATFORM", "linux/amd64", "BUILDOS", "linux", "BUILDARCH", "amd64", "BUILDVARIANT", "");
    private static final List<String> DEFAULT_SHELL = List.of("/bin/sh", "-c");
    private static final Pattern DIRECTIVE = Pattern.compile("#\\s*([a-zA-Z][a-zA-Z0-9]*)\\s*=\\s*(.*?)\\s*");
    private static final Pattern URL = Pattern.compile("[a-zA-Z][a-zA-Z0-9+.-]*://.*|git@.*");
    private static final Pattern EXPOSED = Pattern.compile("(\\d{1,5})(?:-(\\d{1,5}))?(?:/(tcp|udp|sctp))?", Pattern.CASE_INSENSITIVE);
    private static final Pattern GO_DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)(ns|us|µs|ms|s|m|h)");
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * One COPY or ADD of the final stage.
     *
     * @param sources     as written, variables expanded, relative to the build context
     * @param destination absolute in the image; ends with "/" when it names a folder (written so, or a WORKDIR)
     * @param mode        from {@code --chmod}, or null for the files' own
     * @param excludes    {@code --exclude} patterns
     */
    public record Copy(int line, String instruction, List<String> sources, String destination, Integer mode, List<String> excludes) {
        public Copy {
            sources = List.copyOf(sources);
            excludes = List.copyOf(excludes);
        }

        public boolean intoFolder() {
            return destination.endsWith("/");
        }
    }

    private final Path file;
    private final String baseImage;
    private final int fromLine;
    private final List<Copy> copies;
    private final ImageConfig config;

    private Dockerfile(Path file, String baseImage, int fromLine, List<Copy> copies, ImageConfig config) {
        this.file = file;
        this.baseImage = baseImage;
        this.fromLine = fromLine;
        this.copies = List.copyOf(copies);
        this.config = config;
    }

    /** Reads and checks a Dockerfile; throws {@link ImageBuildException} naming the file and line of any problem. */
    public static Dockerfile read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ImageBuildException(file, 0, "Dockerfile not found",
                    "add the Dockerfile, or name the one the repository is built from (build.dockerfile, relative to the context)");
        }
        try {
            return parse(file, Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new ImageBuildException(file, 0, "cannot read the Dockerfile: " + e.getMessage(), "check it is readable", e);
        }
    }

    /** Parses Dockerfile text; {@code file} names it in messages. */
    public static Dockerfile parse(Path file, String text) {
        return new Reader(file, text).read();
    }

    public Path file() {
        return file;
    }

    /** The final stage's base image, ARGs expanded, e.g. {@code eclipse-temurin:17-jre}. */
    public String baseImage() {
        return baseImage;
    }

    /** The line of the final stage's FROM. */
    public int fromLine() {
        return fromLine;
    }

    /** The final stage's COPY and ADD instructions, in order. */
    public List<Copy> copies() {
        return copies;
    }

    /** The final stage's image config. */
    public ImageConfig config() {
        return config;
    }

    // ---------------------------------------------------------------------------------------- reading

    /** One instruction, its continuation lines joined, with the line it starts on. */
    private record Instruction(int line, String keyword, String arguments, String text) {
    }

    private static final class Reader {
        private final Path file;
        private final String text;
        private char escape = '\\';

        Reader(Path file, String text) {
            this.file = file;
            this.text = text;
        }

        Dockerfile read() {
            List<Instruction> instructions = instructions();
            // Stages: the final one is the last FROM; earlier ones are read for their names only.
            int finalFrom = -1;
            Map<String, Integer> stageNames = new HashMap<>();
            Map<String, String> globalArgs = new LinkedHashMap<>();
            boolean seenFrom = false;
            for (int i = 0; i < instructions.size(); i++) {
                Instruction ins = instructions.get(i);
                if (!INSTRUCTIONS.contains(ins.keyword())) {
                    throw fail(ins, "unknown instruction " + ins.keyword(),
                            "use the Dockerfile instructions " + String.join(", ", INSTRUCTIONS));
                }
                if (ins.keyword().equals("FROM")) {
                    seenFrom = true;
                    finalFrom = i;
                } else if (!seenFrom) {
                    if (!ins.keyword().equals("ARG")) {
                        throw fail(ins, ins.keyword() + " before the first FROM", "start the Dockerfile with FROM (only ARG may come before it)");
                    }
                    declareArgs(ins, globalArgs, globalArgs, Map.of());
                }
            }
            if (finalFrom < 0) {
                throw new ImageBuildException(file, 0, "the Dockerfile has no FROM", "start it with the base image, e.g. FROM node:20-alpine");
            }
            for (int i = 0; i < finalFrom; i++) {
                Instruction ins = instructions.get(i);
                if (ins.keyword().equals("FROM")) {
                    From from = from(ins, globalArgs);
                    if (from.stage() != null) {
                        stageNames.put(from.stage().toLowerCase(Locale.ROOT), ins.line());
                    }
                }
            }
            Instruction fromInstruction = instructions.get(finalFrom);
            From from = from(fromInstruction, globalArgs);
            Integer stageLine = stageNames.get(from.image().toLowerCase(Locale.ROOT));
            if (stageLine != null) {
                throw fail(fromInstruction, "the final stage is built FROM the earlier stage '" + from.image() + "' (line " + stageLine
                                + "), whose content RUN makes; Preflight does not execute RUN",
                        "build the artifact first with the project's own build and COPY it from the build context into a stage FROM the "
                                + "runtime image, or use the process form (build: { process: { command: [...], workingDir: ... } })");
            }
            return new Stage(this, from.image(), fromInstruction.line(), globalArgs).evaluate(instructions.subList(finalFrom + 1, instructions.size()));
        }

        /** Splits the text into instructions: directives, comments, blank lines and continuations handled. */
        private List<Instruction> instructions() {
            String[] lines = text.split("\r?\n", -1);
            int i = 0;
            // Parser directives: only at the very top, before any comment, blank line or instruction.
            Set<String> seen = new java.util.HashSet<>();
            for (; i < lines.length; i++) {
                Matcher m = DIRECTIVE.matcher(lines[i]);
                if (!m.matches() || !seen.add(m.group(1).toLowerCase(Locale.ROOT))) {
                    break;
                }
                if (m.group(1).equalsIgnoreCase("escape")) {
                    if (!m.group(2).equals("\\") && !m.group(2).equals("`")) {
                        throw new ImageBuildException(file, i + 1, "invalid escape directive '" + m.group(2) + "'", "use # escape=\\ or # escape=`");
                    }
                    escape = m.group(2).charAt(0);
                }
            }
            List<Instruction> out = new ArrayList<>();
            StringBuilder current = null;
            StringBuilder original = null;
            int startLine = 0;
            for (; i < lines.length; i++) {
                String line = lines[i];
                String trimmed = line.strip();
                if (current == null && trimmed.isEmpty()) {
                    continue;
                }
                if (trimmed.startsWith("#")) {
                    continue; // a comment, also between continuation lines
                }
                if (current == null) {
                    current = new StringBuilder();
                    original = new StringBuilder();
                    startLine = i + 1;
                } else if (trimmed.isEmpty()) {
                    continue; // an empty continuation line
                }
                original.append(original.length() == 0 ? "" : "\n").append(line);
                String content = line.stripTrailing();
                if (content.endsWith(String.valueOf(escape))) {
                    current.append(content, 0, content.length() - 1);
                    continue;
                }
                current.append(content);
                out.add(instruction(startLine, current.toString(), original.toString()));
                current = null;
            }
            if (current != null && !current.toString().isBlank()) {
                out.add(instruction(startLine, current.toString(), original.toString()));
            }
            return out;
        }

        private Instruction instruction(int line, String joined, String original) {
            String s = joined.strip();
            int space = indexOfWhitespace(s);
            String keyword = (space < 0 ? s : s.substring(0, space)).toUpperCase(Locale.ROOT);
            String arguments = space < 0 ? "" : s.substring(space).strip();
            return new Instruction(line, keyword, arguments, original.strip());
        }

        private record From(String image, String stage) {
        }

        private From from(Instruction ins, Map<String, String> globalArgs) {
            Flags flags = Flags.parse(this, ins, List.of("platform"));
            List<String> words = new Words(this, ins, flags.rest(), globalArgs::get).split();
            if (words.size() != 1 && !(words.size() == 3 && words.get(1).equalsIgnoreCase("AS"))) {
                throw fail(ins, "FROM takes an image and an optional 'AS <name>'", "write FROM <image>[:<tag>] [AS <name>]");
            }
            if (words.get(0).isEmpty()) {
                throw fail(ins, "FROM names no image (an ARG without a value?)", "give the ARG a default or write the image");
            }
            return new From(words.get(0), words.size() == 3 ? words.get(2) : null);
        }

        /** ARG name[=default] ...: into {@code args}; a name without a default takes the global one, if declared. */
        private void declareArgs(Instruction ins, Map<String, String> args, Map<String, String> globals, Map<String, String> env) {
            List<String> words = new Words(this, ins, ins.arguments(), name -> env.containsKey(name) ? env.get(name) : args.get(name))
                    .splitPairs(true);
            if (words.isEmpty()) {
                throw fail(ins, "ARG names no variable", "write ARG <name>[=<default>]");
            }
            for (String word : words) {
                int eq = word.indexOf('=');
                String name = eq < 0 ? word : word.substring(0, eq);
                if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
                    throw fail(ins, "'" + name + "' is not a variable name", "use letters, digits and _");
                }
                String value = eq >= 0 ? word.substring(eq + 1)
                        : globals != args && globals.containsKey(name) ? globals.get(name)
                        : PLATFORM_ARGS.get(name);
                args.put(name, value);
            }
        }

        ImageBuildException fail(Instruction ins, String problem, String fix) {
            return new ImageBuildException(file, ins.line(), problem, fix);
        }
    }

    // ---------------------------------------------------------------------------------------- the final stage

    private static final class Stage {
        private final Reader reader;
        private final String baseImage;
        private final int fromLine;
        private final Map<String, String> globalArgs;
        private final Map<String, String> args = new LinkedHashMap<>();
        private final Map<String, String> env = new LinkedHashMap<>();
        private final Map<String, String> labels = new LinkedHashMap<>();
        private final Set<String> exposed = new LinkedHashSet<>();
        private final Set<String> folders = new LinkedHashSet<>(List.of("/"));
        private final List<Copy> copies = new ArrayList<>();
        private List<String> shell = DEFAULT_SHELL;
        private List<String> entrypoint = List.of();
        private List<String> cmd = List.of();
        private String workdir = "/";
        private String user;
        private String stopSignal;
        private ImageConfig.HealthCheck healthCheck;

        Stage(Reader reader, String baseImage, int fromLine, Map<String, String> globalArgs) {
            this.reader = reader;
            this.baseImage = baseImage;
            this.fromLine = fromLine;
            this.globalArgs = globalArgs;
        }

        Dockerfile evaluate(List<Instruction> instructions) {
            for (Instruction ins : instructions) {
                switch (ins.keyword()) {
                    case "ARG" -> reader.declareArgs(ins, args, globalArgs, env);
                    case "ENV" -> env.putAll(pairs(ins, "ENV"));
                    case "LABEL" -> labels.putAll(pairs(ins, "LABEL"));
                    case "WORKDIR" -> workdir(ins);
                    case "USER" -> user = single(ins, "USER", "USER <user>[:<group>]");
                    case "EXPOSE" -> expose(ins);
                    case "STOPSIGNAL" -> stopSignal = single(ins, "STOPSIGNAL", "STOPSIGNAL SIGTERM");
                    case "ENTRYPOINT" -> entrypoint = command(ins);
                    case "CMD" -> cmd = command(ins);
                    case "SHELL" -> shell = shell(ins);
                    case "HEALTHCHECK" -> healthCheck = healthCheck(ins);
                    case "COPY", "ADD" -> copies.add(copy(ins));
                    case "RUN" -> throw reader.fail(ins, "RUN is not executed without Docker: '" + abbreviate(ins.text())
                                    + "' would change the image at build time, and an image made from this Dockerfile would lack what it makes",
                            "build the artifact first with the project's own build (mvn package, npm ci, pip install --target ...) and COPY it "
                                    + "from the build context, or build this repository with the process form "
                                    + "(build: { process: { command: [...], workingDir: ..., files: [...] } })");
                    case "FROM" -> throw new IllegalStateException("a FROM after the final stage");
                    default -> {
                        // VOLUME, ONBUILD, MAINTAINER: accepted; nothing for a process task to do with them
                    }
                }
            }
            if (entrypoint.isEmpty() && cmd.isEmpty()) {
                throw new ImageBuildException(reader.file, 0, "the final stage has no ENTRYPOINT or CMD, and the one of its base image "
                        + baseImage + " is not known without Docker", "say what the container runs, e.g. CMD [\"node\", \"server.js\"]");
            }
            ImageConfig config = new ImageConfig(entrypoint, cmd, env, workdir, user, List.copyOf(exposed), healthCheck, stopSignal, labels);
            return new Dockerfile(reader.file, baseImage, fromLine, copies, config);
        }

        private Words words(Instruction ins, String text) {
            // A copy: an instruction sees the values from before it (ENV a=1 b=$a takes the earlier a).
            Map<String, String> before = new HashMap<>(args);
            before.putAll(env);
            return new Words(reader, ins, text, before::get);
        }

        /** ENV and LABEL: {@code k=v ...}, or the older {@code k value with spaces}. */
        private Map<String, String> pairs(Instruction ins, String what) {
            String arguments = ins.arguments();
            Map<String, String> out = new LinkedHashMap<>();
            List<String> raw = new Words(reader, ins, arguments, name -> null).rawWords();
            if (raw.isEmpty()) {
                throw reader.fail(ins, what + " sets nothing", "write " + what + " <key>=<value> ...");
            }
            if (!raw.get(0).contains("=")) {
                int space = indexOfWhitespace(arguments);
                if (space < 0) {
                    throw reader.fail(ins, what + " " + arguments + " has no value", "write " + what + " " + arguments + "=<value>");
                }
                out.put(words(ins, arguments.substring(0, space)).single(), words(ins, arguments.substring(space).strip()).single());
                return out;
            }
            for (String word : words(ins, arguments).split()) {
                int eq = word.indexOf('=');
                if (eq <= 0) {
                    throw reader.fail(ins, "'" + word + "' is not <key>=<value>", "write every pair of " + what + " as <key>=<value>");
                }
                out.put(word.substring(0, eq), word.substring(eq + 1));
            }
            return out;
        }

        private String single(Instruction ins, String what, String example) {
            String value = words(ins, ins.arguments()).single();
            if (value.isBlank()) {
                throw reader.fail(ins, what + " has no value", "write " + example);
            }
            return value.strip();
        }

        private void workdir(Instruction ins) {
            String dir = single(ins, "WORKDIR", "WORKDIR /app");
            workdir = normalize(dir.startsWith("/") ? dir : workdir + "/" + dir);
            for (String d = workdir; !d.equals("/"); d = parent(d)) {
                folders.add(d);
            }
        }

        private void expose(Instruction ins) {
            List<String> ports = words(ins, ins.arguments()).split();
            if (ports.isEmpty()) {
                throw reader.fail(ins, "EXPOSE names no port", "write EXPOSE 8080 or EXPOSE 8080/tcp");
            }
            for (String port : ports) {
                Matcher m = EXPOSED.matcher(port);
                int low = m.matches() ? Integer.parseInt(m.group(1)) : -1;
                int high = m.matches() && m.group(2) != null ? Integer.parseInt(m.group(2)) : low;
                if (low < 1 || high > 65535 || high < low) {
                    throw reader.fail(ins, "'" + port + "' is not a port", "write a port (1-65535), a range, and optionally /tcp, /udp or /sctp");
                }
                String protocol = m.group(3) == null ? "tcp" : m.group(3).toLowerCase(Locale.ROOT);
                for (int p = low; p <= high; p++) {
                    exposed.add(p + "/" + protocol);
                }
            }
        }

        /** Exec form (a JSON array of strings) as written; the shell form is the SHELL with the text, unexpanded. */
        private List<String> command(Instruction ins) {
            return execForm(ins.arguments()).orElseGet(() -> {
                if (ins.arguments().isEmpty()) {
                    throw reader.fail(ins, ins.keyword() + " has no command", "write " + ins.keyword() + " [\"executable\", \"arg\"]");
                }
                List<String> command = new ArrayList<>(shell);
                command.add(ins.arguments());
                return List.copyOf(command);
            });
        }

        private List<String> shell(Instruction ins) {
            List<String> value = execForm(ins.arguments()).orElseThrow(() ->
                    reader.fail(ins, "SHELL takes the JSON form only", "write SHELL [\"/bin/bash\", \"-c\"]"));
            if (value.isEmpty()) {
                throw reader.fail(ins, "SHELL names no shell", "write SHELL [\"/bin/bash\", \"-c\"]");
            }
            return value;
        }

        private ImageConfig.HealthCheck healthCheck(Instruction ins) {
            Flags flags = Flags.parse(reader, ins, List.of("interval", "timeout", "start-period", "start-interval", "retries"));
            String rest = flags.rest();
            int space = indexOfWhitespace(rest);
            String kind = (space < 0 ? rest : rest.substring(0, space)).toUpperCase(Locale.ROOT);
            if (kind.equals("NONE")) {
                if (space >= 0 || !flags.values().isEmpty()) {
                    throw reader.fail(ins, "HEALTHCHECK NONE takes no options or arguments", "write HEALTHCHECK NONE alone");
                }
                return new ImageConfig.HealthCheck(List.of("NONE"), null, null, null, null, null);
            }
            if (!kind.equals("CMD") || space < 0) {
                throw reader.fail(ins, "HEALTHCHECK needs CMD <command> or NONE", "write HEALTHCHECK [--interval=30s ...] CMD <command>");
            }
            String command = rest.substring(space).strip();
            List<String> test = new ArrayList<>();
            Optional<List<String>> exec = execForm(command);
            if (exec.isPresent()) {
                test.add("CMD");
                test.addAll(exec.get());
            } else {
                test.add("CMD-SHELL");
                test.add(command);
            }
            Integer retries = null;
            if (flags.values().containsKey("retries")) {
                try {
                    retries = Integer.parseInt(flags.values().get("retries"));
                } catch (NumberFormatException e) {
                    retries = -1;
                }
                if (retries < 1) {
                    throw reader.fail(ins, "--retries=" + flags.values().get("retries") + " is not a count of at least 1", "write --retries=3");
                }
            }
            return new ImageConfig.HealthCheck(test, duration(ins, flags, "interval"), duration(ins, flags, "timeout"),
                    duration(ins, flags, "start-period"), duration(ins, flags, "start-interval"), retries);
        }

        private Duration duration(Instruction ins, Flags flags, String name) {
            String value = flags.values().get(name);
            if (value == null) {
                return null;
            }
            Duration d = goDuration(value);
            if (d == null || (d.compareTo(Duration.ofMillis(1)) < 0 && !d.isZero())) {
                throw reader.fail(ins, "--" + name + "=" + value + " is not a duration of at least 1ms", "write e.g. --" + name + "=30s or 1m30s");
            }
            return d.isZero() ? null : d;
        }

        private Copy copy(Instruction ins) {
            boolean add = ins.keyword().equals("ADD");
            Flags flags = Flags.parse(reader, ins, add ? List.of("chown", "chmod", "link", "checksum", "keep-git-dir", "exclude", "from")
                    : List.of("from", "chown", "chmod", "link", "exclude", "parents"));
            if (flags.values().containsKey("from")) {
                throw reader.fail(ins, ins.keyword() + " --from=" + flags.values().get("from") + " copies from another stage or image, "
                                + "whose files RUN and Docker make; Preflight does not execute RUN or pull images",
                        "build the artifact first with the project's own build and COPY it from the build context, "
                                + "or use the process form (build: { process: { command: [...], workingDir: ... } })");
            }
            if (flags.values().containsKey("parents")) {
                throw reader.fail(ins, "COPY --parents is not supported without Docker", "COPY each folder to its place");
            }
            if (flags.values().containsKey("checksum") || flags.values().containsKey("keep-git-dir")) {
                throw reader.fail(ins, "ADD of remote sources is not supported without Docker",
                        "download the file with the project's own build and COPY it from the build context");
            }
            String rest = flags.rest();
            if (rest.contains("<<")) {
                throw reader.fail(ins, ins.keyword() + " with a here-document is not supported without Docker", "put the file in the build context and COPY it");
            }
            Words words = words(ins, rest);
            List<String> parts = execForm(rest).map(list -> list.stream().map(part -> words(ins, part).single()).toList())
                    .orElseGet(words::split);
            if (parts.size() < 2) {
                throw reader.fail(ins, ins.keyword() + " needs a source and a destination", "write " + ins.keyword() + " <src>... <dest>");
            }
            List<String> sources = parts.subList(0, parts.size() - 1);
            for (String source : sources) {
                if (add && URL.matcher(source).matches()) {
                    throw reader.fail(ins, "ADD " + source + " downloads at build time, which Preflight does not do",
                            "download it with the project's own build into the build context and COPY it from there");
                }
            }
            String written = parts.get(parts.size() - 1);
            String destination = written.startsWith("/") ? written : workdir + "/" + written;
            boolean folder = written.endsWith("/") || written.equals(".") || written.endsWith("/.")
                    || folders.contains(normalize(destination));
            destination = normalize(destination);
            if (sources.size() > 1 || sources.stream().anyMatch(Dockerfile::isPattern)) {
                if (!folder) {
                    throw reader.fail(ins, "when " + ins.keyword() + " has more than one source (or a wildcard), the destination must be a "
                            + "folder and end with a /", "write the destination as " + written + "/");
                }
            }
            Integer mode = null;
            String chmod = flags.values().get("chmod");
            if (chmod != null) {
                if (!chmod.matches("[0-7]{3,4}")) {
                    throw reader.fail(ins, "--chmod=" + chmod + " is not an octal mode", "write e.g. --chmod=755");
                }
                mode = Integer.parseInt(chmod, 8);
            }
            String dest = folder ? (destination.equals("/") ? "/" : destination + "/") : destination;
            if (folder) {
                for (String d = destination; !d.equals("/"); d = parent(d)) {
                    folders.add(d);
                }
            }
            List<String> excludes = flags.all("exclude");
            return new Copy(ins.line(), ins.keyword(), sources, dest, mode, excludes);
        }
    }

    // ---------------------------------------------------------------------------------------- words and flags

    /** {@code --name=value} options at the start of an instruction's arguments. */
    private record Flags(Map<String, String> values, Map<String, List<String>> repeated, String rest) {
        static Flags parse(Reader reader, Instruction ins, List<String> allowed) {
            String s = ins.arguments();
            Map<String, String> values = new LinkedHashMap<>();
            Map<String, List<String>> repeated = new LinkedHashMap<>();
            while (s.startsWith("--")) {
                int space = indexOfWhitespace(s);
                String flag = space < 0 ? s : s.substring(0, space);
                s = space < 0 ? "" : s.substring(space).strip();
                int eq = flag.indexOf('=');
                String name = (eq < 0 ? flag.substring(2) : flag.substring(2, eq)).toLowerCase(Locale.ROOT);
                String value = eq < 0 ? "true" : unquote(flag.substring(eq + 1));
                if (!allowed.contains(name)) {
                    throw reader.fail(ins, "unknown flag --" + name + " for " + ins.keyword(),
                            allowed.isEmpty() ? "remove it" : "use " + String.join(", ", allowed.stream().map(a -> "--" + a).toList()));
                }
                values.put(name, value);
                repeated.computeIfAbsent(name, n -> new ArrayList<>()).add(value);
            }
            return new Flags(values, repeated, s);
        }

        List<String> all(String name) {
            return repeated.getOrDefault(name, List.of());
        }

        private static String unquote(String value) {
            return value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"") || value.startsWith("'") && value.endsWith("'"))
                    ? value.substring(1, value.length() - 1) : value;
        }
    }

    /**
     * Docker's word processing: whitespace separates words (unless asked for one), single quotes are literal,
     * double quotes keep spaces and expand variables, the escape character takes the next one literally.
     */
    private static final class Words {
        private final Reader reader;
        private final Instruction ins;
        private final String s;
        private final java.util.function.Function<String, String> vars;
        private int i;

        Words(Reader reader, Instruction ins, String s, java.util.function.Function<String, String> vars) {
            this.reader = reader;
            this.ins = ins;
            this.s = s;
            this.vars = vars;
        }

        List<String> split() {
            return process(true, true);
        }

        /** Split on whitespace, quotes removed, variables expanded or not. */
        List<String> splitPairs(boolean expand) {
            return process(true, expand);
        }

        /** The words with neither quotes removed nor variables expanded: to see the form an instruction is in. */
        List<String> rawWords() {
            List<String> out = new ArrayList<>();
            for (String w : s.strip().split("\\s+")) {
                if (!w.isEmpty()) {
                    out.add(w);
                }
            }
            return out;
        }

        /** The whole text as one word (inner whitespace kept). */
        String single() {
            List<String> words = process(false, true);
            return words.isEmpty() ? "" : words.get(0);
        }

        private List<String> process(boolean splitWords, boolean expand) {
            i = 0;
            List<String> out = new ArrayList<>();
            StringBuilder word = null;
            char esc = reader.escape;
            while (i < s.length()) {
                char c = s.charAt(i);
                if (splitWords && Character.isWhitespace(c)) {
                    if (word != null) {
                        out.add(word.toString());
                        word = null;
                    }
                    i++;
                    continue;
                }
                if (word == null) {
                    word = new StringBuilder();
                }
                if (c == esc) {
                    if (i + 1 < s.length()) {
                        word.append(s.charAt(i + 1));
                    }
                    i += 2;
                } else if (c == '\'') {
                    int end = s.indexOf('\'', i + 1);
                    if (end < 0) {
                        throw reader.fail(ins, "unmatched ' in " + ins.keyword(), "close the quote");
                    }
                    word.append(s, i + 1, end);
                    i = end + 1;
                } else if (c == '"') {
                    i++;
                    while (i < s.length() && s.charAt(i) != '"') {
                        char d = s.charAt(i);
                        if (d == esc && i + 1 < s.length() && (s.charAt(i + 1) == '"' || s.charAt(i + 1) == '$' || s.charAt(i + 1) == esc)) {
                            word.append(s.charAt(i + 1));
                            i += 2;
                        } else if (d == '$' && expand) {
                            word.append(variable());
                        } else {
                            word.append(d);
                            i++;
                        }
                    }
                    if (i >= s.length()) {
                        throw reader.fail(ins, "unmatched \" in " + ins.keyword(), "close the quote");
                    }
                    i++;
                } else if (c == '$' && expand) {
                    word.append(variable());
                } else {
                    word.append(c);
                    i++;
                }
            }
            if (word != null) {
                out.add(word.toString());
            }
            return out;
        }

        /** At a '$': the expansion, with i after it. A '$' not followed by a name stays a '$'. */
        private String variable() {
            i++;
            if (i >= s.length()) {
                return "$";
            }
            if (s.charAt(i) == '{') {
                int start = ++i;
                while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
                    i++;
                }
                String name = s.substring(start, i);
                if (name.isEmpty() || i >= s.length()) {
                    throw reader.fail(ins, "bad substitution in " + ins.keyword() + ": ${" + s.substring(start), "write ${NAME}, ${NAME:-default} or ${NAME:+value}");
                }
                if (s.charAt(i) == '}') {
                    i++;
                    return Optional.ofNullable(vars.apply(name)).orElse("");
                }
                boolean colon = s.charAt(i) == ':';
                if (colon) {
                    i++;
                }
                char op = i < s.length() ? s.charAt(i) : 0;
                if (op != '-' && op != '+' && op != '?') {
                    throw reader.fail(ins, "unsupported modifier in ${" + name + s.substring(i - (colon ? 1 : 0), Math.min(s.length(), i + 1)) + "...}",
                            "use ${" + name + ":-default}, ${" + name + ":+value} or ${" + name + ":?message}");
                }
                int wordStart = ++i;
                int depth = 1;
                while (i < s.length()) {
                    char c = s.charAt(i);
                    if (c == '{') {
                        depth++;
                    } else if (c == '}' && --depth == 0) {
                        break;
                    }
                    i++;
                }
                if (i >= s.length()) {
                    throw reader.fail(ins, "unclosed ${" + name + " in " + ins.keyword(), "close it with }");
                }
                String rawWord = s.substring(wordStart, i);
                i++;
                String value = vars.apply(name);
                boolean set = value != null && (!colon || !value.isEmpty());
                String wordValue = new Words(reader, ins, rawWord, vars).single();
                return switch (op) {
                    case '-' -> set ? value : wordValue;
                    case '+' -> set ? wordValue : "";
                    default -> {
                        if (!set) {
                            throw reader.fail(ins, name + ": " + (wordValue.isEmpty() ? "is not set" : wordValue), "set " + name + " with ARG or ENV");
                        }
                        yield value;
                    }
                };
            }
            char c = s.charAt(i);
            if (Character.isLetter(c) || c == '_') {
                int start = i;
                while (i < s.length() && (Character.isLetterOrDigit(s.charAt(i)) || s.charAt(i) == '_')) {
                    i++;
                }
                return Optional.ofNullable(vars.apply(s.substring(start, i))).orElse("");
            }
            return "$";
        }
    }

    // ---------------------------------------------------------------------------------------- small helpers

    /** A JSON array of strings, or empty when the text is not one (then Docker reads it as the shell form). */
    private static Optional<List<String>> execForm(String text) {
        String t = text.strip();
        if (!t.startsWith("[")) {
            return Optional.empty();
        }
        try {
            JsonNode node = JSON.readTree(t);
            if (node == null || !node.isArray()) {
                return Optional.empty();
            }
            List<String> out = new ArrayList<>();
            for (JsonNode element : node) {
                if (!element.isTextual()) {
                    return Optional.empty();
                }
                out.add(element.asText());
            }
            return Optional.of(List.copyOf(out));
        } catch (JsonProcessingException e) {
            return Optional.empty();
        }
    }

    /** A Go duration, as Docker's HEALTHCHECK options take it (30s, 1m30s, 500ms); null if it is not one. */
    static Duration goDuration(String text) {
        if (text.equals("0")) {
            return Duration.ZERO;
        }
        Matcher m = GO_DURATION.matcher(text);
        int at = 0;
        double nanos = 0;
        while (m.find() && m.start() == at) {
            double value = Double.parseDouble(m.group(1));
            nanos += value * switch (m.group(2)) {
                case "ns" -> 1d;
                case "us", "µs" -> 1e3;
                case "ms" -> 1e6;
                case "s" -> 1e9;
                case "m" -> 60e9;
                default -> 3600e9;
            };
            at = m.end();
        }
        return at == text.length() && at > 0 ? Duration.ofNanos(Math.round(nanos)) : null;
    }

    /** Whether a COPY source is a wildcard pattern (Go's filepath.Match: *, ?, [...]). */
    static boolean isPattern(String path) {
        return path.indexOf('*') >= 0 || path.indexOf('?') >= 0 || path.indexOf('[') >= 0;
    }

    /** A POSIX absolute path with ".", ".." and repeated slashes resolved; never above "/". */
    static String normalize(String absolute) {
        List<String> parts = new ArrayList<>();
        for (String part : absolute.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (!parts.isEmpty()) {
                    parts.remove(parts.size() - 1);
                }
            } else {
                parts.add(part);
            }
        }
        return "/" + String.join("/", parts);
    }

    private static String parent(String absolute) {
        int slash = absolute.lastIndexOf('/');
        return slash <= 0 ? "/" : absolute.substring(0, slash);
    }

    private static int indexOfWhitespace(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    private static String abbreviate(String text) {
        String oneLine = text.replaceAll("\\s*\\\\?\\n\\s*", " ");
        return oneLine.length() <= 80 ? oneLine : oneLine.substring(0, 77) + "...";
    }
}
