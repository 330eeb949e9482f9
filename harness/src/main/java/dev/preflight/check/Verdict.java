package dev.preflight.check;

import java.util.Objects;

/**
 * One row of the gate's verdict table: a check of one service (or of the environment, service "-"),
 * whether it passed, what was measured, and what to change, with AWS's reasoning.
 *
 * @param page the report page with the check's timeline, a file name in the report folder, or null
 */
public record Verdict(String check, String service, Outcome outcome, String evidence, String fix, String page) {
    /** PASSED and SKIPPED let a deploy go; FAILED stops it; ERROR: the check itself could not run. */
    public enum Outcome { PASSED, FAILED, SKIPPED, ERROR }

    public static final String ENVIRONMENT = "-";

    public Verdict {
        Objects.requireNonNull(check, "check");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(outcome, "outcome");
        evidence = evidence == null ? "" : evidence;
        fix = fix == null ? "" : fix;
    }

    public static Verdict passed(String check, String service, String evidence) {
        return new Verdict(check, service, Outcome.PASSED, evidence, "", null);
    }

    public static Verdict failed(String check, String service, String evidence, String fix) {
        return new Verdict(check, service, Outcome.FAILED, evidence, fix, null);
    }

    public static Verdict skipped(String check, String service, String why) {
        return new Verdict(check, service, Outcome.SKIPPED, why, "", null);
    }

    public static Verdict error(String check, String service, String what) {
        return new Verdict(check, service, Outcome.ERROR, what, "fix the cause and run the check again", null);
    }

    /** The same verdict, failed unless {@code ok}. */
    public static Verdict of(boolean ok, String check, String service, String evidence, String fix) {
        return ok ? passed(check, service, evidence) : failed(check, service, evidence, fix);
    }

    public Verdict withPage(String newPage) {
        return new Verdict(check, service, outcome, evidence, fix, newPage);
    }

    public boolean failed() {
        return outcome == Outcome.FAILED;
    }
}
