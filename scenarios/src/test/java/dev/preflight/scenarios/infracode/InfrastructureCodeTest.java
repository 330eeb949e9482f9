package dev.preflight.scenarios.infracode;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.preflight.check.Gate;
import dev.preflight.check.GateResult;
import dev.preflight.check.VerdictTable;
import dev.preflight.deploy.DeployResult;
import dev.preflight.ecs.ServiceTimeline;
import dev.preflight.engine.Engines;
import dev.preflight.environment.Environment;
import dev.preflight.environment.TopologyLocator;
import dev.preflight.junit.PreflightEnvironment;
import dev.preflight.report.ScenarioReport;
import dev.preflight.running.RunningEnvironment;
import dev.preflight.scenarios.provisioning.DeclaredStateCheck;
import dev.preflight.topology.Overlay;
import dev.preflight.topology.Topology;
import dev.preflight.topology.cloudformation.CdkSynth;
import dev.preflight.traffic.LoadProfile;
import dev.preflight.traffic.LoadRun;
import dev.preflight.traffic.LoadSummary;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The reference environment as the team's infrastructure code: the hand-written CloudFormation
 * template and the CDK app (synthesized here with node into target/cdk.out, its images Docker assets
 * built from the services' Dockerfiles). Each provisions and reads back as declared; the CDK stack
 * passes the zero-downtime cutover (and its twin with no drain is caught), rolls a bad release back,
 * and passes the gate. Without node the CDK scenarios are skipped with the reason.
 */
@PreflightEnvironment
class InfrastructureCodeTest {
    private static final Path FIXTURES = TopologyLocator.topologyDir().getParent();
    private static final Path TEMPLATE = FIXTURES.resolve("cloudformation/reference.yaml");
    private static final Map<String, String> SLOW_REQUESTS = Map.of("APP_REQUEST_DELAY_MS", "150");
    private static Path cdkOut;
    private static String noNode;

    @BeforeAll
    static void synthesize() {
        noNode = CdkSynth.unavailable();
        if (noNode == null) {
            cdkOut = CdkSynth.synth(FIXTURES.resolve("cdk"), Path.of("target", "cdk.out").toAbsolutePath());
        }
    }

    @Test
    void theCloudFormationTemplateProvisionsAndReadsBackAsDeclared(Engines engines) {
        provisionAndReadBack(RunningEnvironment.of("dev").withTopologyDir(TEMPLATE).withProject("cfnref").topology(), engines);
    }

    @Test
    void theCdkStackProvisionsAndReadsBackAsDeclared(Engines engines) {
        Topology topology = cdk("cdkref").topology();
        assertThat(topology.ecs().services().keySet()).containsExactlyInAnyOrder("frontend", "api", "admin");
        assertThat(topology.ecr().repositories().get("api-image").build().contextPath().toString()).contains("asset.");
        provisionAndReadBack(topology, engines);
    }

    @Test
    void theCdkStackCutsOverWithZeroDowntime(Engines engines) {
        try (RunningEnvironment env = cdk("cdkcutover").start(engines)) {
            LoadSummary summary = deployUnderLoad(env, "CDK stack: zero-downtime cutover of api v1 to v2", false);
            assertThat(summary.failed()).as("failed requests: %s", summary.describe()).isZero();
            assertThat(summary.byVersion().keySet()).isSubsetOf(Set.of("v1", "v2")).contains("v1", "v2");
        }
    }

    @Test
    void theCdkStackWithNoDrainIsCaughtCuttingRequests(Engines engines) {
        try (RunningEnvironment env = cdk("cdknodrain")
                .withOverlay(Overlay.yaml("no-drain", "loadBalancer: {targetGroups: {api: {deregistrationDelaySeconds: 0}}}")).start(engines)) {
            LoadSummary summary = deployUnderLoad(env, "CDK stack with deregistration delay 0: the cutover cuts requests", true);
            assertThat(summary.failed()).as("the harness must see the downtime: %s", summary.describe()).isPositive();
            assertThat(summary.byStatus()).containsKey(502);
        }
    }

    @Test
    void theCdkStackRollsABadReleaseBack(Engines engines) {
        try (RunningEnvironment env = cdk("cdkrollback").withOverlay(Overlay.yaml("quick-verdict",
                "ecs: {services: {api: {healthCheckGracePeriodSeconds: 10}}}\n"
                        + "loadBalancer: {targetGroups: {api: {healthCheck: {intervalSeconds: 5, timeoutSeconds: 2, unhealthyThreshold: 2}}}}"))
                .start(engines)) {
            env.desiredCount("api", 3);
            assertThat(env.pipeline().deploy("api", "v1").result()).isEqualTo(DeployResult.Result.SUCCEEDED);
            try (ServiceTimeline timeline = ServiceTimeline.record(env.runtime().service("api"));
                 LoadRun load = env.load(LoadProfile.of(50, Duration.ofSeconds(90)).withPath("/api/version").withMaxConcurrency(200))) {
                DeployResult bad = env.pipeline().deploy("api", "v2", Map.of("APP_HEALTH_FAIL", "true"), Duration.ofMinutes(3));
                load.stop();
                load.awaitCompletion(Duration.ofSeconds(30));
                LoadSummary summary = load.summary();
                ScenarioReport report = ScenarioReport.named("CDK stack: a bad release rolls back").requests(load);
                timeline.addTo(report);
                report.section("Deploy", bad.toString()).verdict(bad.result() == DeployResult.Result.ROLLED_BACK && summary.failed() == 0,
                        summary.describe()).write(ScenarioReport.defaultDir());
                assertThat(bad.result()).as(bad.toString()).isEqualTo(DeployResult.Result.ROLLED_BACK);
                assertThat(summary.failed()).as(summary.describe()).isZero();
                assertThat(summary.byVersion().keySet()).containsOnly("v1");
            }
        }
    }

    @Test
    void theGateRunsOnTheCdkOut(Engines engines) {
        assumeTrue(noNode == null, () -> "skipped: " + noNode);
        GateResult result = Gate.of("dev").withTopologyDir(cdkOut).withEngines(engines).withProject("cdkgate")
                .withReportDir(ScenarioReport.defaultDir().resolve("gate-cdk")).forServices(List.of("api")).only(List.of("static", "cutover"))
                .run();
        System.out.println(VerdictTable.render(result.verdicts()) + result.summary());
        assertThat(result.problem()).as("the gate could run").isNull();
        assertThat(result.exitCode()).as(VerdictTable.render(result.verdicts())).isEqualTo(GateResult.SAFE);
        assertThat(result.verdicts()).extracting(v -> v.check()).contains("cutover", "stop-timeout", "drain-covers-latency");
    }

    private static RunningEnvironment.Definition cdk(String project) {
        assumeTrue(noNode == null, () -> "skipped: " + noNode);
        return RunningEnvironment.of("dev").withTopologyDir(cdkOut).withProject(project);
    }

    private static void provisionAndReadBack(Topology topology, Engines engines) {
        Environment env = Environment.provision(topology, engines, null);
        try {
            new DeclaredStateCheck(env).assertMatchesTopology();
        } finally {
            try {
                env.destroy();
            } finally {
                env.close();
            }
        }
    }

    private static LoadSummary deployUnderLoad(RunningEnvironment env, String title, boolean misconfigured) {
        env.desiredCount("api", 2);
        DeployResult v1 = env.pipeline().deploy("api", "v1", SLOW_REQUESTS, Duration.ofMinutes(2));
        assertThat(v1.succeeded()).as("first deploy: %s", v1).isTrue();
        try (ServiceTimeline timeline = ServiceTimeline.record(env.runtime().service("api"));
             LoadRun load = env.load(LoadProfile.of(80, Duration.ofSeconds(20)).withPath("/api/version").withMaxConcurrency(200))) {
            DeployResult v2 = env.pipeline().deploy("api", "v2", SLOW_REQUESTS, Duration.ofMinutes(2));
            load.awaitCompletion(Duration.ofSeconds(60));
            LoadSummary summary = load.summary();
            ScenarioReport report = ScenarioReport.named(title).requests(load);
            timeline.addTo(report);
            report.section("Deploy", v2.toString()).verdict(v2.succeeded() && summary.failed() == 0, summary.describe());
            if (misconfigured) {
                report.caughtAsIntended(summary.failed() > 0, summary.describe());
            }
            report.write(ScenarioReport.defaultDir());
            assertThat(v2.succeeded()).as(v2.toString()).isTrue();
            return summary;
        }
    }
}
