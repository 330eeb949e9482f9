package dev.preflight.iam;

import java.util.Locale;

/**
 * What the AWS front does with a task's call that its task role does not allow: {@link #REPORT} lets
 * it through and lists it (the default: a run shows every missing permission at once), {@link #ENFORCE}
 * answers it with AWS's AccessDenied, as AWS would.
 */
public enum AccessMode {
    REPORT, ENFORCE;

    /** The system property that chooses the mode of runs that do not choose one: report or enforce. */
    public static final String PROPERTY = "preflight.iam";

    /** The mode {@code -Dpreflight.iam} names, or {@link #REPORT}. */
    public static AccessMode fromSystemProperty() {
        return parse(System.getProperty(PROPERTY, "report"), "-D" + PROPERTY);
    }

    /** {@code report} or {@code enforce}, any case; {@code where} names the setting in the error. */
    public static AccessMode parse(String value, String where) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "report" -> REPORT;
            case "enforce" -> ENFORCE;
            default -> throw new IllegalArgumentException(where + " must be 'report' (a call the task role does not allow is"
                    + " listed and goes through) or 'enforce' (it is answered with AccessDenied), got '" + value + "'");
        };
    }
}
