package dev.preflight.iam;

/**
 * IAM's answer to one call: allowed by a statement, denied by one (an explicit Deny), or denied
 * because none allows it (the implicit deny).
 */
public record Decision(boolean allowed, PolicyStatement statement, String reason) {
    static Decision allowedBy(PolicyStatement s) {
        return new Decision(true, s, "allowed by " + s.label() + (s.conditional() ? " (its Condition not evaluated)" : ""));
    }

    static Decision deniedBy(PolicyStatement s) {
        return new Decision(false, s, "explicitly denied by " + s.label());
    }

    static Decision needsNoPermission(String action) {
        return new Decision(true, null, action + " needs no permission");
    }

    static Decision implicitDeny(String action) {
        return new Decision(false, null, "no identity-based policy allows the " + action + " action");
    }
}
