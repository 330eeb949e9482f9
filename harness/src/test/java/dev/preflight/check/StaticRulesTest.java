package dev.preflight.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.topology.Overlay;
import dev.preflight.topology.Topology;
import dev.preflight.topology.TopologyLoader;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** AWS's topology-only rules: the reference follows them in every environment; each broken one is named with its fix. */
class StaticRulesTest {
    private static final Path REFERENCE = Path.of("../fixtures/topology");

    private static Topology dev(String overlay) {
        return new TopologyLoader().load(REFERENCE, "dev", List.of(Overlay.yaml("change.yaml", overlay)));
    }

    private static Verdict rule(Topology t, String rule, String service) {
        return StaticRules.ofTopology(t).stream().filter(v -> v.check().equals(rule) && v.service().equals(service)).findFirst().orElseThrow();
    }

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void theReferenceFollowsEveryRule(String environment) {
        List<Verdict> verdicts = StaticRules.ofTopology(new TopologyLoader().load(REFERENCE, environment));
        assertThat(verdicts).filteredOn(Verdict::failed).isEmpty();
        assertThat(verdicts).extracting(Verdict::check).contains(StaticRules.STOP_TIMEOUT, StaticRules.DRAIN_COVERS_IDLE,
                StaticRules.DEPLOYMENT_PROGRESS, StaticRules.AUTOSCALING_MAX);
    }

    @Test
    void aStopTimeoutShorterThanTheDrainIsRefusedWithAwssAdvice() {
        Verdict v = rule(dev("ecs: {services: {api: {container: {stopTimeout: 30}}}}"), StaticRules.STOP_TIMEOUT, "api");
        assertThat(v.failed()).isTrue();
        assertThat(v.evidence()).isEqualTo("stopTimeout 30 s vs deregistrationDelaySeconds 75 s of target group api");
        assertThat(v.fix()).contains("AWS advises stopTimeout > deregistration delay > client timeout").contains("raise container.stopTimeout to 85 s");
    }

    @Test
    void aDrainShorterThanTheIdleTimeoutIsRefused() {
        Verdict v = rule(dev("loadBalancer: {targetGroups: {admin: {deregistrationDelaySeconds: 30}}}"), StaticRules.DRAIN_COVERS_IDLE, "admin");
        assertThat(v.failed()).isTrue();
        assertThat(v.fix()).contains("raise deregistrationDelaySeconds of admin above 60 s");
    }

    @Test
    void aDeploymentConfigurationThatCannotProgressIsRefusedInEcsWords() {
        Verdict v = rule(dev("ecs: {services: {api: {deployment: {minimumHealthyPercent: 100, maximumPercent: 100}}}}"),
                StaticRules.DEPLOYMENT_PROGRESS, "api");
        assertThat(v.failed()).isTrue();
        assertThat(v.evidence()).startsWith("with 1 task, minimumHealthyPercent 100");
        assertThat(v.fix()).contains("unable to stop or start tasks during a deployment").contains("raise maximumPercent to at least 200");
    }

    @Test
    void progressIsJudgedAtEveryCountAutoscalingAllows() {
        // 75 % of 1 and of 2 keeps every task, 125 % adds none: stuck. 0 % of 1 may stop it first: fine at 1, 2 and 3.
        Verdict v = rule(dev("ecs: {services: {api: {deployment: {minimumHealthyPercent: 75, maximumPercent: 125}}}}"),
                StaticRules.DEPLOYMENT_PROGRESS, "api");
        assertThat(v.failed()).isTrue();
        Verdict ok = rule(dev("ecs: {services: {api: {deployment: {minimumHealthyPercent: 0, maximumPercent: 100}}}}"),
                StaticRules.DEPLOYMENT_PROGRESS, "api");
        assertThat(ok.failed()).as(ok.evidence()).isFalse();
    }

    @Test
    void aDesiredCountAboveAutoscalingMaxIsRefused() {
        Verdict v = rule(dev("ecs: {services: {api: {desiredCount: 5}}}"), StaticRules.AUTOSCALING_MAX, "api");
        assertThat(v.failed()).isTrue();
        assertThat(v.evidence()).isEqualTo("desiredCount 5, autoscaling min 1, max 3");
    }

    @Test
    void measuredRulesJudgeStartUpProbeLatencyAndShutdown() {
        Topology t = dev("");
        Measurements m = new Measurements();
        m.startup("api", java.time.Duration.ofSeconds(75));
        m.healthProbe("api", new Measurements.Probe("http://127.0.0.1:1/health", 404, false));
        m.p99("api", 80_000);
        m.shutdown("api", new Measurements.Shutdown(java.time.Duration.ofSeconds(90), 137, "did not stop within stopTimeout"));
        List<Verdict> verdicts = StaticRules.ofMeasurements(t, m, List.of("api"));
        assertThat(verdicts).filteredOn(Verdict::failed).extracting(Verdict::check).containsExactlyInAnyOrder(StaticRules.GRACE_PERIOD,
                StaticRules.HEALTH_CHECK_PATH, StaticRules.DRAIN_COVERS_LATENCY, StaticRules.STOP_COVERS_SHUTDOWN);

        Measurements good = new Measurements();
        good.startup("api", java.time.Duration.ofMillis(1800));
        good.healthProbe("api", new Measurements.Probe("http://127.0.0.1:1/health", 200, true));
        good.p99("api", 12);
        good.shutdown("api", new Measurements.Shutdown(java.time.Duration.ofMillis(300), 0, null));
        assertThat(StaticRules.ofMeasurements(t, good, List.of("api"))).extracting(Verdict::outcome).containsOnly(Verdict.Outcome.PASSED);
        assertThat(StaticRules.ofMeasurements(t, new Measurements(), List.of("api"))).extracting(Verdict::outcome)
                .as("nothing measured: skipped, not passed").containsOnly(Verdict.Outcome.SKIPPED);
    }
}
