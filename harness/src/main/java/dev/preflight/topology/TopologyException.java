package dev.preflight.topology;

import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A topology that cannot be used. The message names the file, the path inside it and the fix, one
 * line per problem; nothing has been created when it is thrown.
 */
public class TopologyException extends RuntimeException {

    /** One thing wrong: where (file and dotted path) and what to do about it. */
    public record Problem(Path file, String path, String message, String fix) {
        @Override
        public String toString() {
            return file + ": " + (path.isEmpty() ? "" : path + ": ") + message + (fix == null ? "" : ". Fix: " + fix);
        }
    }

    private final List<Problem> problems;

    public TopologyException(List<Problem> problems) {
        super(format(problems));
        this.problems = List.copyOf(problems);
    }

    public TopologyException(Problem problem) {
        this(List.of(problem));
    }

    public List<Problem> problems() {
        return problems;
    }

    private static String format(List<Problem> problems) {
        if (problems.size() == 1) {
            return "Invalid topology: " + problems.get(0);
        }
        return "Invalid topology (" + problems.size() + " problems):\n"
                + problems.stream().map(p -> "  - " + p).collect(Collectors.joining("\n"));
    }
}
