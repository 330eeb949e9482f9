package dev.preflight.iam;

import java.util.ArrayList;
import java.util.List;

/**
 * Per task role, what a run's tasks did with it: the permissions used (each action of each statement,
 * with the calls it allowed), those granted and never used, and the calls IAM would deny (refused in
 * {@code enforce} mode, let through and listed in {@code report} mode).
 */
public record TaskRoleReport(AccessMode mode, List<RoleUse> roles) {

    /** One action of one statement: {@code s3:PutObject} of {@code api-task statement 0}, and its calls. */
    public record Grant(String statement, String action, List<String> resources, int calls) {
        public String describe() {
            return action + " on " + String.join(", ", resources) + " (" + statement + ")";
        }
    }

    /** A call IAM denies, as often as it was made, and how many of those the front refused (enforce mode). */
    public record Denial(String call, String reason, String task, int calls, int refused) {
        /** {@code refused with AccessDenied}, {@code let through (report mode)}, or both with counts. */
        public String outcome() {
            if (refused == calls) {
                return "denied: refused with AccessDenied";
            }
            return refused == 0 ? "would be denied: let through (report mode)"
                    : "denied: " + refused + " refused with AccessDenied, " + (calls - refused) + " let through (report mode)";
        }
    }

    public record RoleUse(String role, List<Grant> used, List<Grant> unused, List<Denial> denied, List<String> tasks) {
    }

    /** The role's use, by its AWS name. */
    public RoleUse role(String roleName) {
        return roles.stream().filter(r -> r.role().equals(roleName)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no task used role " + roleName + "; roles used: "
                        + roles.stream().map(RoleUse::role).toList()));
    }

    /** Every denied call of every role. */
    public List<Denial> denials() {
        return roles.stream().flatMap(r -> r.denied().stream()).toList();
    }

    /** The rows of the report's table: role, permission or call, what happened, calls, detail. */
    public List<List<String>> rows() {
        List<List<String>> rows = new ArrayList<>();
        for (RoleUse r : roles) {
            r.used().forEach(g -> rows.add(List.of(r.role(), g.describe(), "used", Integer.toString(g.calls()), "")));
            r.unused().forEach(g -> rows.add(List.of(r.role(), g.describe(), "granted, never used", "0",
                    "remove it unless a path the run did not take needs it")));
            r.denied().forEach(d -> rows.add(List.of(r.role(), d.call(), d.outcome(), Integer.toString(d.calls()),
                    d.reason() + "; first by task " + d.task())));
        }
        return rows;
    }

    /** A plain-text version for logs and the CLI. */
    public String toText() {
        StringBuilder s = new StringBuilder("Task roles (" + mode.name().toLowerCase(java.util.Locale.ROOT) + " mode)\n");
        for (RoleUse r : roles) {
            s.append("  ").append(r.role()).append(" (tasks: ").append(r.tasks().size()).append(")\n");
            r.used().forEach(g -> s.append("    used     ").append(g.describe()).append(": ").append(g.calls()).append(" calls\n"));
            r.unused().forEach(g -> s.append("    unused   ").append(g.describe()).append("\n"));
            r.denied().forEach(d -> s.append("    denied   ").append(d.call()).append(": ").append(d.reason()).append("; ")
                    .append(d.outcome()).append(" (").append(d.calls()).append(" calls, first by task ").append(d.task()).append(")\n"));
        }
        return s.toString();
    }

}
