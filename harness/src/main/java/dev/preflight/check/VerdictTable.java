package dev.preflight.check;

import java.util.List;
import java.util.Locale;

/** The verdict table as text for a terminal or a CI log: one line per verdict, the fix under each failure. */
public final class VerdictTable {
    private static final int EVIDENCE_WIDTH = 110;

    private VerdictTable() {
    }

    public static String render(List<Verdict> verdicts) {
        int checkWidth = Math.max(5, verdicts.stream().mapToInt(v -> v.check().length()).max().orElse(5));
        int serviceWidth = Math.max(7, verdicts.stream().mapToInt(v -> v.service().length()).max().orElse(7));
        String format = "%-" + checkWidth + "s  %-" + serviceWidth + "s  %-7s  %s%n";
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, format, "check", "service", "verdict", "evidence"));
        for (Verdict v : verdicts) {
            out.append(String.format(Locale.ROOT, format, v.check(), v.service(), v.outcome(), v.failed() ? v.evidence() : shorten(v.evidence())));
            if (v.outcome() == Verdict.Outcome.FAILED || v.outcome() == Verdict.Outcome.ERROR) {
                out.append(" ".repeat(checkWidth + serviceWidth + 13)).append("fix: ").append(v.fix()).append(System.lineSeparator());
            }
        }
        return out.toString();
    }

    private static String shorten(String evidence) {
        return evidence.length() <= EVIDENCE_WIDTH ? evidence : evidence.substring(0, EVIDENCE_WIDTH - 3) + "...";
    }
}
