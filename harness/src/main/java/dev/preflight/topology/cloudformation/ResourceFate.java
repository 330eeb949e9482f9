package dev.preflight.topology.cloudformation;

/**
 * What became of one resource of a template: the model element it is ({@code ecs.services.api}), the
 * element it was folded into (a subnet group into its database), or why it is not emulated; and a
 * note where a property changes behaviour Preflight does not reproduce.
 */
public record ResourceFate(String logicalId, String type, Kind kind, String becomes, String note) {
    public enum Kind {
        /** A model element of its own. */
        MAPPED,
        /** Read into another element (an ingress rule into its security group, a policy into its role). */
        FOLDED,
        /** Provisioned nowhere: Preflight does not emulate it (routing, NAT, custom resources, ...). */
        NOT_EMULATED,
        /** Its Condition is false: CloudFormation would not create it either. */
        CONDITION_FALSE
    }

    /** One line for {@code preflight plan}, e.g. {@code ApiService  AWS::ECS::Service  -> ecs.services.api}. */
    public String line() {
        String what = switch (kind) {
            case MAPPED -> "-> " + becomes;
            case FOLDED -> "-> folded into " + becomes;
            case NOT_EMULATED -> "not emulated: " + becomes;
            case CONDITION_FALSE -> "not created: " + becomes;
        };
        return String.format("%-44s %-46s %s%s", logicalId, type, what, note == null || note.isEmpty() ? "" : "  [" + note + "]");
    }
}
