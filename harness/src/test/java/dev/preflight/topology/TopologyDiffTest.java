package dev.preflight.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** `preflight diff`: sizes and counts may differ between environments; a breaker, a health check, an engine version or a resource may not. */
class TopologyDiffTest {
    private static final Path REFERENCE = Path.of("../fixtures/topology");

    private static Topology load(String environment, String... overlays) {
        List<Overlay> layers = new java.util.ArrayList<>();
        for (int i = 0; i < overlays.length; i++) {
            layers.add(Overlay.yaml("change-" + i + ".yaml", overlays[i]));
        }
        return new TopologyLoader().load(REFERENCE, environment, layers);
    }

    @Test
    void devAndStagingDifferInSizesAndCountsOnly() {
        TopologyDiff diff = TopologyDiff.of(load("dev"), load("staging"));
        assertThat(diff.differences()).isNotEmpty();
        assertThat(diff.parityBreaks()).isEmpty();
        assertThat(diff.render()).contains("~ ecs.services.api.desiredCount: dev 1, staging").contains("0 break parity");
    }

    @Test
    void prodRefusesARepushedTagThatDevAccepts() {
        TopologyDiff diff = TopologyDiff.of(load("dev"), load("prod"));
        assertThat(diff.parityBreaks()).extracting(TopologyDiff.Difference::path)
                .containsExactlyInAnyOrder("ecr.repositories.frontend.imageTagMutability", "ecr.repositories.api.imageTagMutability",
                        "ecr.repositories.admin.imageTagMutability");
    }

    @Test
    void aBreakerAHealthCheckPathAndAnEngineVersionBreakParity() {
        Topology changed = load("staging",
                "ecs: {services: {api: {deployment: {circuitBreaker: {enable: false}}}}}\n"
                        + "loadBalancer: {targetGroups: {admin: {healthCheck: {path: /ready}}}}\n"
                        + "rds: {app-db: {engineVersion: \"16\"}}");
        TopologyDiff diff = TopologyDiff.of(load("dev"), changed);
        assertThat(diff.parityBreaks()).extracting(TopologyDiff.Difference::path).containsExactlyInAnyOrder(
                "ecs.services.api.deployment.circuitBreaker.enable", "loadBalancer.targetGroups.admin.healthCheck.path",
                "rds.app-db.engineVersion");
        assertThat(diff.render()).contains("! ecs.services.api.deployment.circuitBreaker.enable: dev true, staging false  [a circuit breaker")
                .contains("another health check").contains("another engine version");
    }

    @Test
    void aSecretInOneEnvironmentOnlyBreaksParity() {
        Topology dev = load("dev");
        Map<String, Secret> secrets = new LinkedHashMap<>(dev.secrets());
        secrets.put("stripe-key", new Secret("payments", null, new Secret.Generate(32)));
        Topology more = new Topology(dev.project(), "staging", dev.region(), dev.network(), dev.ecr(), dev.logs(), secrets, dev.rds(),
                dev.elasticache(), dev.s3(), dev.iam(), dev.loadBalancer(), dev.ecs());
        TopologyDiff diff = TopologyDiff.of(dev, more);
        assertThat(diff.parityBreaks()).singleElement().satisfies(d -> {
            assertThat(d.path()).isEqualTo("secrets.stripe-key");
            assertThat(d.left()).isNull();
            assertThat(d.why()).contains("exists in the other only");
        });
    }
}
