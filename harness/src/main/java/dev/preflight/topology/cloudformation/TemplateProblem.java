package dev.preflight.topology.cloudformation;

/**
 * Something in a template Preflight cannot read: where ({@code Resources.Api.Properties.Image}), what,
 * and the fix. The reader turns it into a {@link dev.preflight.topology.TopologyException} that names
 * the template file too.
 */
final class TemplateProblem extends RuntimeException {
    private final String where;
    private final String fix;

    TemplateProblem(String where, String message, String fix) {
        super(message);
        this.where = where;
        this.fix = fix;
    }

    String where() {
        return where;
    }

    String fix() {
        return fix;
    }
}
