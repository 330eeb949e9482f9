package dev.preflight.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.topology.DeploymentConfiguration;
import dev.preflight.topology.Topology;
import dev.preflight.topology.TopologyLoader;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BoundsTest {
    @Test
    void roundsFollowTheDeploymentConfiguration() {
        assertThat(Bounds.rounds(new DeploymentConfiguration(100, 200, null), 4)).as("4 new at once").isEqualTo(1);
        assertThat(Bounds.rounds(new DeploymentConfiguration(100, 150, null), 4)).as("2 extra a round").isEqualTo(2);
        assertThat(Bounds.rounds(new DeploymentConfiguration(50, 100, null), 4)).as("stop 2 first, twice").isEqualTo(2);
        assertThat(Bounds.rounds(new DeploymentConfiguration(100, 100, null), 2)).as("stuck: counted as one a round").isEqualTo(2);
    }

    @Test
    void aRoundIsTheGracePeriodHealthChecksDrainAndStopTimeoutOfTheService() {
        Topology dev = new TopologyLoader().load(Path.of("../fixtures/topology"), "dev");
        // api: grace 60 + max(3 x 15 ALB, 10 + 30 container) + drain 75 + stopTimeout 90 + 30 ECS.
        assertThat(Bounds.round(dev, dev.ecs().services().get("api"))).isEqualTo(Duration.ofSeconds(60 + 45 + 75 + 90 + 30));
    }
}
