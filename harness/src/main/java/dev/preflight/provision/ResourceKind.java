package dev.preflight.provision;

/**
 * One kind of AWS resource (network, IAM, ECS, ...): how to bring the engine to the topology and
 * how to remove it again. Implementations read the actual state first and change only what differs,
 * so applying twice makes no mutating call.
 */
public interface ResourceKind {
    /** Short name for progress lines, e.g. "network". */
    String title();

    /** Brings actual state to the desired state; in a dry run only records what it would do. */
    void reconcile(ProvisionContext ctx);

    /** Deletes every resource of this kind that the topology names. */
    void destroy(ProvisionContext ctx);
}
