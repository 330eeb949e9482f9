package dev.preflight.scenarios.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.engine.Engines;
import dev.preflight.environment.Environment;
import dev.preflight.environment.TopologyLocator;
import dev.preflight.junit.PreflightEnvironment;
import dev.preflight.provision.Change;
import dev.preflight.provision.PostgresAdmin;
import dev.preflight.provision.ProvisionResult;
import dev.preflight.provision.ResourceInventory;
import dev.preflight.topology.Topology;
import dev.preflight.topology.TopologyLoader;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Apply is idempotent; plan changes nothing; destroy removes everything apply created. */
@Tag("containers")
@PreflightEnvironment("dev")
class EnvironmentLifecycleTest {

    @Test
    void applyingTwiceIsANoOp(Environment env) {
        int before = env.aws().mutatingCalls();
        ProvisionResult second = env.apply();
        assertThat(second.changed()).as("changes of a second apply: %s", second.changes()).isZero();
        assertThat(second.count(Change.Action.UNCHANGED)).isPositive();
        assertThat(second.changes()).as("a second apply changes nothing; it may only note").allMatch(c -> c.action() == Change.Action.UNCHANGED
                || c.action() == Change.Action.NOTE);
        assertThat(env.aws().counter().operations().subList(before, env.aws().mutatingCalls()))
                .as("mutating AWS calls made by a second apply").isEmpty();
    }

    @Test
    void aDeclaredEngineVersionTheEngineCannotHonourIsNoted(Environment env, Engines engines) {
        // dev declares ElastiCache 7.1: the embedded Redis is 6.2 and says so; the containers engines run the declared version.
        List<Change> notes = env.plan().changes().stream().filter(c -> c.action() == Change.Action.NOTE).toList();
        if (engines.kind() == dev.preflight.engine.EngineKind.EMBEDDED) {
            assertThat(notes).anySatisfy(c -> assertThat(c.toString()).startsWith("? elasticache cache cluster ")
                    .contains("engineVersion 7.1 is declared but the embedded Redis engine is 6.2").contains("Fix: run with the containers engines"));
        } else if (engines.kind() == dev.preflight.engine.EngineKind.CONTAINERS) {
            assertThat(notes).as("the containers engines follow engineVersion").isEmpty();
        }
    }

    @Test
    void planOfAFreshCopyCreatesEverythingAndChangesNothing(Engines engines) {
        Topology topology = new TopologyLoader().load(TopologyLocator.topologyDir(), "dev").withProject("plancheck");
        try (Environment env = Environment.attach(topology, engines, null)) {
            ProvisionResult plan = env.plan();
            assertThat(plan.count(Change.Action.CREATE)).isPositive();
            assertThat(plan.changed()).isEqualTo(plan.count(Change.Action.CREATE));
            assertThat(env.aws().mutatingCalls()).as("mutating calls made by a plan").isZero();
            assertThat(ResourceInventory.find(env.aws(), "plancheck", "plancheck-")).isEmpty();
        }
    }

    @Test
    void destroyLeavesNoProjectResourceInAnyService(Engines engines) {
        Topology topology = new TopologyLoader().load(TopologyLocator.topologyDir(), "dev").withProject("lifecycle");
        Environment env = Environment.provision(topology, engines, System.out);
        long created = env.lastApply().count(Change.Action.CREATE);
        try {
            String database = env.database("app-db").dbname();
            String role = env.database("app-db").username();
            assertThat(ResourceInventory.find(env.aws(), "lifecycle", "lifecycle-")).as("resources after apply").isNotEmpty();
            assertThat(env.apply().changed()).as("changes of a second apply").isZero();

            ProvisionResult destroyed = env.destroy();
            assertThat(destroyed.count(Change.Action.DELETE)).as("resources deleted").isGreaterThanOrEqualTo(created);
            // Only what the engine cannot delete may remain, and destroy must have said so (moto 5.2.1 lacks
            // DeleteCacheSubnetGroup); on an engine without that gap nothing remains.
            List<String> retained = destroyed.retained().stream().map(r -> "elasticache subnet group " + r.replace("cache subnet group ", "")).toList();
            assertThat(ResourceInventory.find(env.aws(), "lifecycle", "lifecycle-")).as("resources left after destroy")
                    .containsExactlyInAnyOrderElementsOf(retained);
            assertThat(retained).as("resources the engine could not delete").allMatch(r -> r.startsWith("elasticache subnet group"));
            PostgresAdmin admin = new PostgresAdmin(engines.postgres());
            assertThat(admin.databaseExists(database)).as("real database %s after destroy", database).isFalse();
            assertThat(admin.roleExists(role)).as("real role %s after destroy", role).isFalse();
            assertThat(env.destroy().changed()).as("a second destroy finds nothing to delete").isZero();
        } finally {
            env.close();
        }
    }
}
