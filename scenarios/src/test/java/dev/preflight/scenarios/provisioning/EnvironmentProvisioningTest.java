package dev.preflight.scenarios.provisioning;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.environment.Environment;
import dev.preflight.junit.Environments;
import dev.preflight.junit.PreflightEnvironment;
import dev.preflight.topology.Topology;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Tag;

/** Each environment validates, provisions, and reads back as declared, service by service. */
@Tag("containers")
@PreflightEnvironment
class EnvironmentProvisioningTest {

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"dev", "staging", "prod"})
    void provisionsAndReadsBackAsDeclared(String name, Environments environments) {
        Environment env = environments.get(name);
        Topology topology = env.topology();
        new DeclaredStateCheck(env).assertMatchesTopology();
        assertThat(topology.environment()).isEqualTo(name);
    }
}
