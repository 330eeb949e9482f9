package dev.preflight.check;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What one gate run decided: every verdict, the exit code for CI (0 safe, 1 a check failed, 2 the
 * check could not be run), the report's gate page and index, and why it could not run when it could not.
 */
public record GateResult(List<Verdict> verdicts, int exitCode, String problem, Path page, Path index, Duration took) {
    public static final int SAFE = 0;
    public static final int FAILED = 1;
    public static final int COULD_NOT_RUN = 2;

    public GateResult {
        verdicts = List.copyOf(verdicts);
    }

    static GateResult of(List<Verdict> verdicts, Path page, Path index, Duration took) {
        boolean failed = verdicts.stream().anyMatch(Verdict::failed);
        boolean error = verdicts.stream().anyMatch(v -> v.outcome() == Verdict.Outcome.ERROR);
        return new GateResult(verdicts, failed ? FAILED : error ? COULD_NOT_RUN : SAFE, null, page, index, took);
    }

    static GateResult couldNotRun(String problem, List<Verdict> verdicts, Duration took) {
        return new GateResult(verdicts, COULD_NOT_RUN, problem, null, null, took);
    }

    public List<Verdict> failures() {
        return verdicts.stream().filter(Verdict::failed).toList();
    }

    public long count(Verdict.Outcome outcome) {
        return verdicts.stream().filter(v -> v.outcome() == outcome).count();
    }

    /** e.g. "preflight check: 1 failed, 30 passed, 4 skipped in 312 s; report: target/preflight-report/index.html". */
    public String summary() {
        if (problem != null) {
            return "preflight check could not run: " + problem;
        }
        return "preflight check: " + (exitCode == SAFE ? "safe to deploy" : exitCode == FAILED ? "NOT safe to deploy" : "incomplete")
                + " (" + count(Verdict.Outcome.FAILED) + " failed, " + count(Verdict.Outcome.PASSED) + " passed, "
                + count(Verdict.Outcome.SKIPPED) + " skipped, " + count(Verdict.Outcome.ERROR) + " could not run) in " + took.toSeconds()
                + " s; report: " + index;
    }
}
