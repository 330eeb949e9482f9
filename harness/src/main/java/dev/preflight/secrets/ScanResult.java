package dev.preflight.secrets;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a {@link SecretScan} looked at and found: the leaks (never a value), how many places, lines
 * and bytes were read, how many values were looked for, and what was skipped and why.
 *
 * @param sourcesByKind places read per kind (file, log stream, exception, text)
 */
public record ScanResult(List<SecretLeak> leaks, Map<String, Long> sourcesByKind, long lines, long bytes, int values,
                         List<String> skipped) {
    /** At most this many leaks are listed in {@link #describe()}. */
    public static final int LISTED = 50;

    public ScanResult {
        leaks = List.copyOf(leaks);
        sourcesByKind = java.util.Collections.unmodifiableMap(new TreeMap<>(sourcesByKind));
        skipped = List.copyOf(skipped);
    }

    public boolean clean() {
        return leaks.isEmpty();
    }

    public long sources() {
        return sourcesByKind.values().stream().mapToLong(Long::longValue).sum();
    }

    /** This and an earlier scan together (e.g. log groups scanned before their environment was destroyed). */
    public ScanResult and(ScanResult other) {
        List<SecretLeak> allLeaks = new ArrayList<>(leaks);
        allLeaks.addAll(other.leaks);
        Map<String, Long> kinds = new TreeMap<>(sourcesByKind);
        other.sourcesByKind.forEach((k, v) -> kinds.merge(k, v, Long::sum));
        List<String> allSkipped = new ArrayList<>(skipped);
        allSkipped.addAll(other.skipped);
        return new ScanResult(allLeaks, kinds, lines + other.lines, bytes + other.bytes, Math.max(values, other.values), allSkipped);
    }

    /** "No secret value in 1234 sources ..." or the leaks, one per line (at most {@value #LISTED}). */
    public String describe() {
        StringBuilder s = new StringBuilder();
        s.append(clean() ? "No secret value found" : leaks.size() + " secret value(s) found")
                .append(" in ").append(sources()).append(" sources (").append(kinds()).append("), ")
                .append(lines).append(" lines, ").append(bytes).append(" bytes; ").append(values).append(" values looked for");
        if (!skipped.isEmpty()) {
            s.append("; ").append(skipped.size()).append(" skipped");
        }
        for (int i = 0; i < Math.min(LISTED, leaks.size()); i++) {
            s.append("\n  ").append(leaks.get(i));
        }
        if (leaks.size() > LISTED) {
            s.append("\n  ... and ").append(leaks.size() - LISTED).append(" more");
        }
        return s.toString();
    }

    private String kinds() {
        StringBuilder s = new StringBuilder();
        sourcesByKind.forEach((k, v) -> s.append(s.length() == 0 ? "" : ", ").append(v).append(' ').append(k));
        return s.length() == 0 ? "none" : s.toString();
    }

    @Override
    public String toString() {
        return describe();
    }
}
