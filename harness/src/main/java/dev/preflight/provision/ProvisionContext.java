package dev.preflight.provision;

import dev.preflight.aws.AwsClients;
import dev.preflight.engine.Engines;
import dev.preflight.topology.Naming;
import dev.preflight.topology.Topology;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What a {@link ResourceKind} works with: the topology, the clients, the engines, the outputs of
 * earlier kinds, and the change log. {@link #create}, {@link #update} and {@link #delete} record a
 * change and run it unless this is a dry run (a plan).
 */
public final class ProvisionContext {
    /** Tags put on every taggable resource, so a destroy or a drift check can find ours. */
    public static final String PROJECT_TAG = "preflight:project";
    public static final String ENVIRONMENT_TAG = "preflight:environment";

    private final Topology topology;
    private final AwsClients aws;
    private final Engines engines;
    private final Outputs outputs;
    private final boolean dryRun;
    private final List<Change> changes = new ArrayList<>();
    private String currentKind = "";

    public ProvisionContext(Topology topology, AwsClients aws, Engines engines, Outputs outputs, boolean dryRun) {
        this.topology = topology;
        this.aws = aws;
        this.engines = engines;
        this.outputs = outputs;
        this.dryRun = dryRun;
    }

    public Topology topology() {
        return topology;
    }

    public Naming naming() {
        return topology.naming();
    }

    public AwsClients aws() {
        return aws;
    }

    public Engines engines() {
        return engines;
    }

    public Outputs outputs() {
        return outputs;
    }

    public boolean dryRun() {
        return dryRun;
    }

    /** The account the engine reports; moto's default is 123456789012. */
    public String accountId() {
        return outputs.get("account", "id").orElseGet(() -> {
            String id = aws.sts().getCallerIdentity().account();
            outputs.put("account", "id", id);
            return id;
        });
    }

    public String region() {
        return topology.region();
    }

    public Map<String, String> tags(String name) {
        return Map.of("Name", name, PROJECT_TAG, topology.project(), ENVIRONMENT_TAG, topology.environment());
    }

    void beginKind(String kind) {
        currentKind = kind;
    }

    public void create(String resource, Runnable action) {
        record(new Change(currentKind, resource, Change.Action.CREATE, ""), action);
    }

    public void update(String resource, String what, Runnable action) {
        record(new Change(currentKind, resource, Change.Action.UPDATE, what), action);
    }

    public void unchanged(String resource) {
        changes.add(new Change(currentKind, resource, Change.Action.UNCHANGED, ""));
    }

    /** Records what the user should know about a resource, changing nothing. */
    public void note(String resource, String detail) {
        changes.add(new Change(currentKind, resource, Change.Action.NOTE, detail));
    }

    public void delete(String resource, Runnable action) {
        record(new Change(currentKind, resource, Change.Action.DELETE, ""), action);
    }

    /**
     * A delete the engine cannot perform: tries it, and when the engine answers that the operation is
     * not implemented, records the resource as RETAINED with the reason instead of failing the destroy.
     */
    public void deleteOrRetain(String resource, String operation, Runnable action) {
        if (dryRun) {
            changes.add(new Change(currentKind, resource, Change.Action.DELETE, ""));
            return;
        }
        try {
            action.run();
            changes.add(new Change(currentKind, resource, Change.Action.DELETE, ""));
        } catch (software.amazon.awssdk.awscore.exception.AwsServiceException e) {
            if (e.statusCode() < 500) {
                throw new ProvisionException(new Change(currentKind, resource, Change.Action.DELETE, ""), e);
            }
            changes.add(new Change(currentKind, resource, Change.Action.RETAINED,
                    "the AWS engine does not implement " + operation + " (HTTP " + e.statusCode() + ")"));
        }
    }

    private void record(Change change, Runnable action) {
        changes.add(change);
        if (!dryRun) {
            try {
                action.run();
            } catch (RuntimeException e) {
                throw new ProvisionException(change, e);
            }
        }
    }

    List<Change> changes() {
        return List.copyOf(changes);
    }
}
