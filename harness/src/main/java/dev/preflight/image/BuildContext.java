package dev.preflight.image;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/**
 * A build context folder as Docker sends it: every file below it but those its {@code .dockerignore}
 * excludes. It turns a COPY or ADD into the entries of its layer: files, folders and symbolic links at
 * their absolute paths in the image.
 *
 * <p>Patterns, in {@code .dockerignore}, COPY sources and the process form's files, are Docker's: Go's
 * {@code filepath.Match} per path ({@code *} and {@code ?} within one name, {@code [a-z]} classes,
 * {@code \} to escape) plus {@code **} for any number of folders; a {@code .dockerignore} pattern also
 * excludes everything below a folder it matches, and a later {@code !pattern} takes a path back.
 */
final class BuildContext {
    /** One entry of a layer. */
    record Entry(String path, Type type, Path source, int mode, String linkTarget) {
        enum Type { FILE, FOLDER, SYMLINK }
    }

    private record Rule(Pattern pattern, boolean exception) {
    }

    private final Path dir;
    private final Path dockerfile;
    private final List<Rule> ignore;

    private BuildContext(Path dir, Path dockerfile, List<Rule> ignore) {
        this.dir = dir.toAbsolutePath().normalize();
        this.dockerfile = dockerfile;
        this.ignore = List.copyOf(ignore);
    }

    /** The context of a Dockerfile build, with its {@code .dockerignore}. */
    static BuildContext of(Path dir, Path dockerfile) {
        if (!Files.isDirectory(dir)) {
            throw new ImageBuildException(dir, 0, "the build context folder does not exist",
                    "name the folder the image is built from (build.context, relative to the topology folder)");
        }
        List<Rule> rules = new ArrayList<>();
        Path ignoreFile = dir.resolve(".dockerignore");
        if (Files.isRegularFile(ignoreFile)) {
            try {
                for (String line : Files.readAllLines(ignoreFile)) {
                    String pattern = line.strip();
                    if (pattern.isEmpty() || pattern.startsWith("#")) {
                        continue;
                    }
                    boolean exception = pattern.startsWith("!");
                    if (exception) {
                        pattern = pattern.substring(1).strip();
                    }
                    pattern = clean(pattern);
                    if (pattern != null && !pattern.isEmpty()) {
                        rules.add(new Rule(glob(pattern), exception));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + ignoreFile, e);
            }
        }
        return new BuildContext(dir, dockerfile, rules);
    }

    /** A folder taken as it is (the process form: nothing ignored). */
    static BuildContext plain(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new ImageBuildException(dir, 0, "the working folder does not exist",
                    "name the folder whose files make the image (build.process.workingDir, relative to the topology folder)");
        }
        return new BuildContext(dir, null, List.of());
    }

    /**
     * The entries one COPY or ADD adds, keyed by their path in the image (no leading slash). {@code folders}
     * holds the folders the image has so far (a destination that is one takes the files into it) and gets the
     * ones this instruction makes.
     */
    SortedMap<String, Entry> entries(Dockerfile.Copy copy, Set<String> folders) {
        SortedMap<String, Entry> entries = new TreeMap<>();
        String destination = copy.destination();
        boolean intoFolder = copy.intoFolder() || folders.contains(trimSlash(destination));
        List<Pattern> excludes = copy.excludes().stream().map(BuildContext::clean).filter(p -> p != null && !p.isEmpty())
                .map(BuildContext::glob).toList();
        for (String source : copy.sources()) {
            String relative = clean(source);
            if (relative == null) {
                throw new ImageBuildException(dockerfile, copy.line(), copy.instruction() + " " + source
                        + ": forbidden path outside the build context " + dir, "copy files from inside the context, or make the context a folder that holds them");
            }
            List<String> matches;
            if (Dockerfile.isPattern(relative)) {
                Pattern pattern = glob(relative);
                matches = walk(dir).stream().filter(p -> pattern.matcher(p).matches()).toList();
                if (matches.isEmpty()) {
                    throw new ImageBuildException(dockerfile, copy.line(), copy.instruction() + " failed: no source files were specified: "
                            + "nothing in " + dir + " matches " + source + (ignore.isEmpty() ? "" : " (or it is excluded by .dockerignore)"),
                            "build the files first with the project's own build, or correct the pattern");
                }
            } else {
                Path path = dir.resolve(relative);
                if (!Files.exists(path) || (!relative.isEmpty() && excluded(relative))) {
                    throw new ImageBuildException(dockerfile, copy.line(), copy.instruction() + " failed: file not found in build context or "
                            + "excluded by .dockerignore: " + source + " (" + path + (Files.exists(path) ? " is excluded" : " does not exist") + ")",
                            Files.exists(path) ? "take it out of " + dir.resolve(".dockerignore")
                                    : "build it first with the project's own build (e.g. mvn package, npm run build), or correct the path");
                }
                matches = List.of(relative);
            }
            for (String match : matches) {
                Path path = match.isEmpty() ? dir : dir.resolve(match);
                if (Files.isDirectory(path)) {
                    String target = trimSlash(destination);
                    folder(entries, target, copy.mode());
                    for (String inner : walk(path)) {
                        String below = match.isEmpty() ? inner : inner.substring(match.length() + 1);
                        if (excludes.stream().anyMatch(p -> matchesOrParent(p, below))) {
                            continue;
                        }
                        add(entries, join(target, below), dir.resolve(inner), copy.mode());
                    }
                } else {
                    if (copy.instruction().equals("ADD")) {
                        refuseArchive(copy, source, path);
                    }
                    String name = path.getFileName().toString();
                    String target = intoFolder ? join(trimSlash(destination), name) : destination;
                    add(entries, target, realFile(path), copy.mode()); // a source that is a link is followed, as Docker does
                }
            }
        }
        addParents(entries);
        entries.values().stream().filter(e -> e.type() == Entry.Type.FOLDER).forEach(e -> folders.add("/" + e.path()));
        return entries;
    }

    /** The process form's files: those matching {@code patterns} (all when empty), at their relative paths from the image's root. */
    SortedMap<String, Entry> files(List<String> patterns) {
        List<Pattern> globs = patterns.stream().map(BuildContext::clean).filter(p -> p != null && !p.isEmpty()).map(BuildContext::glob).toList();
        SortedMap<String, Entry> entries = new TreeMap<>();
        for (String relative : walk(dir)) {
            Path path = dir.resolve(relative);
            if (Files.isDirectory(path, LinkOption.NOFOLLOW_LINKS)) {
                continue; // folders come with their files
            }
            if (globs.isEmpty() || globs.stream().anyMatch(p -> matchesOrParent(p, relative))) {
                add(entries, "/" + relative, path, null);
            }
        }
        addParents(entries);
        return entries;
    }

    /** Paths below {@code start}, relative to the context, not ignored, sorted; folders included. */
    private List<String> walk(Path start) {
        List<String> out = new ArrayList<>();
        boolean exceptions = ignore.stream().anyMatch(Rule::exception);
        try {
            Files.walkFileTree(start, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                    if (d.equals(start)) {
                        return FileVisitResult.CONTINUE;
                    }
                    String rel = relative(d);
                    if (excluded(rel)) {
                        return exceptions ? FileVisitResult.CONTINUE : FileVisitResult.SKIP_SUBTREE;
                    }
                    out.add(rel);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                    String rel = relative(f);
                    if (!excluded(rel)) {
                        out.add(rel);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read the build context " + start, e);
        }
        out.sort(null);
        return out;
    }

    private String relative(Path p) {
        return dir.relativize(p).toString();
    }

    /** Whether .dockerignore excludes the path: the last rule that matches it or a folder above it decides. */
    boolean excluded(String relative) {
        boolean excluded = false;
        for (Rule rule : ignore) {
            if (matchesOrParent(rule.pattern(), relative)) {
                excluded = !rule.exception();
            }
        }
        return excluded;
    }

    private static boolean matchesOrParent(Pattern pattern, String relative) {
        if (pattern.matcher(relative).matches()) {
            return true;
        }
        for (int slash = relative.indexOf('/'); slash > 0; slash = relative.indexOf('/', slash + 1)) {
            if (pattern.matcher(relative.substring(0, slash)).matches()) {
                return true;
            }
        }
        return false;
    }

    private void add(SortedMap<String, Entry> entries, String absolute, Path source, Integer mode) {
        String key = absolute.substring(1);
        try {
            if (Files.isSymbolicLink(source)) {
                entries.put(key, new Entry(key, Entry.Type.SYMLINK, source, 0777, Files.readSymbolicLink(source).toString()));
            } else if (Files.isDirectory(source)) {
                folder(entries, absolute, mode);
            } else {
                int own = executable(source) ? 0755 : 0644;
                entries.put(key, new Entry(key, Entry.Type.FILE, source, mode == null ? own : mode, null));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + source, e);
        }
    }

    private static Path realFile(Path path) {
        try {
            return path.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + path, e);
        }
    }

    private static void folder(SortedMap<String, Entry> entries, String absolute, Integer mode) {
        if (absolute.equals("/") || absolute.isEmpty()) {
            return;
        }
        String key = absolute.substring(1);
        entries.put(key, new Entry(key, Entry.Type.FOLDER, null, mode == null ? 0755 : mode, null));
    }

    /** Every folder above an entry is in the layer too, as Docker's tar has them. */
    private static void addParents(SortedMap<String, Entry> entries) {
        for (String path : List.copyOf(entries.keySet())) {
            for (int slash = path.indexOf('/'); slash > 0; slash = path.indexOf('/', slash + 1)) {
                entries.putIfAbsent(path.substring(0, slash), new Entry(path.substring(0, slash), Entry.Type.FOLDER, null, 0755, null));
            }
        }
    }

    private static boolean executable(Path file) throws IOException {
        try {
            return Files.getPosixFilePermissions(file).contains(PosixFilePermission.OWNER_EXECUTE);
        } catch (UnsupportedOperationException e) {
            return Files.isExecutable(file);
        }
    }

    /** ADD unpacks a local tar archive (plain or compressed); Preflight does not. */
    private void refuseArchive(Dockerfile.Copy copy, String source, Path path) {
        byte[] head = new byte[512];
        int n;
        try (InputStream in = Files.newInputStream(path)) {
            n = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + path, e);
        }
        boolean archive = isTar(head, n);
        if (!archive && n >= 2 && (head[0] & 0xff) == 0x1f && (head[1] & 0xff) == 0x8b) {
            try (InputStream in = new GZIPInputStream(Files.newInputStream(path))) {
                byte[] inner = new byte[512];
                archive = isTar(inner, in.readNBytes(inner, 0, inner.length));
            } catch (IOException e) {
                archive = false;
            }
        }
        boolean otherCompression = n >= 6 && (head[0] == 'B' && head[1] == 'Z' && head[2] == 'h'
                || (head[0] & 0xff) == 0xfd && head[1] == '7' && head[2] == 'z' && head[3] == 'X' && head[4] == 'Z');
        if (archive || otherCompression) {
            throw new ImageBuildException(dockerfile, copy.line(), "ADD " + source + " is " + (archive ? "a tar archive" : "a compressed file")
                    + ", which Docker unpacks into the image; Preflight does not unpack archives",
                    "unpack it with the project's own build and COPY the folder, or COPY the file if it should stay packed");
        }
    }

    private static boolean isTar(byte[] block, int n) {
        return n >= 262 && block[257] == 'u' && block[258] == 's' && block[259] == 't' && block[260] == 'a' && block[261] == 'r';
    }

    /** A source or pattern relative to the context, cleaned as Go's filepath.Clean does, a leading "/" dropped; null if it leaves the context. */
    static String clean(String path) {
        boolean absolute = path.startsWith("/");
        List<String> parts = new ArrayList<>();
        for (String part : path.split("/")) {
            if (part.equals("..")) {
                if (!parts.isEmpty()) {
                    parts.remove(parts.size() - 1);
                } else if (!absolute) {
                    return null;
                }
            } else if (!part.isEmpty() && !part.equals(".")) {
                parts.add(part);
            }
        }
        return String.join("/", parts);
    }

    /** Docker's pattern as a regular expression over a relative path with "/" separators. */
    static Pattern glob(String pattern) {
        StringBuilder regex = new StringBuilder();
        int i = 0;
        while (i < pattern.length()) {
            char c = pattern.charAt(i);
            if (c == '*' && i + 1 < pattern.length() && pattern.charAt(i + 1) == '*') {
                boolean atStart = i == 0 || pattern.charAt(i - 1) == '/';
                boolean slashAfter = i + 2 < pattern.length() && pattern.charAt(i + 2) == '/';
                if (atStart && slashAfter) {
                    regex.append("(?:.*/)?"); // "**/" : any number of folders, none included
                    i += 3;
                } else {
                    regex.append(".*");
                    i += 2;
                }
            } else if (c == '*') {
                regex.append("[^/]*");
                i++;
            } else if (c == '?') {
                regex.append("[^/]");
                i++;
            } else if (c == '[') {
                int end = pattern.indexOf(']', i + 2);
                if (end < 0) {
                    regex.append(Pattern.quote("["));
                    i++;
                    continue;
                }
                String body = pattern.substring(i + 1, end);
                boolean negated = body.startsWith("^") || body.startsWith("!");
                if (negated) {
                    body = body.substring(1);
                }
                regex.append('[').append(negated ? "^/" : "").append(body.replace("\\", "\\\\").replace("[", "\\[")).append(']');
                i = end + 1;
            } else if (c == '\\' && i + 1 < pattern.length()) {
                regex.append(Pattern.quote(String.valueOf(pattern.charAt(i + 1))));
                i += 2;
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
                i++;
            }
        }
        return Pattern.compile(regex.toString());
    }

    private static String trimSlash(String path) {
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private static String join(String folder, String name) {
        return folder.equals("/") ? "/" + name : folder + "/" + name;
    }
}
