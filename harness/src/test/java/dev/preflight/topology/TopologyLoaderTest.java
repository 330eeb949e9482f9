package dev.preflight.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The reference topology in fixtures/topology loads for every environment, with the overlay's values. */
class TopologyLoaderTest {

    /** Surefire runs with the module directory (harness/) as working directory. */
    static final Path REFERENCE = Path.of("../fixtures/topology");

    private final TopologyLoader loader = new TopologyLoader();

    @ParameterizedTest
    @ValueSource(strings = {"dev", "staging", "prod"})
    void referenceTopologyLoads(String environment) {
        Topology topology = loader.load(REFERENCE, environment);

        assertThat(topology.environment()).isEqualTo(environment);
        assertThat(topology.project()).isEqualTo("shop");
        assertThat(topology.ecs().services()).containsOnlyKeys("frontend", "api", "admin");
        assertThat(topology.naming().prefix()).isEqualTo("shop-" + environment);
    }

    @Test
    void devOverlayIsApplied() {
        Topology dev = loader.load(REFERENCE, "dev");

        assertThat(dev.ecs().services().get("api").desiredCount()).isEqualTo(1);
        assertThat(dev.ecs().services().get("api").autoscaling().max()).isEqualTo(3);
        assertThat(dev.ecs().services().get("api").autoscaling().policies()).hasSize(2);
        assertThat(dev.logs().groups().get("api").retentionInDays()).isEqualTo(3);
        assertThat(dev.ecr().repositories().get("api").immutable()).isFalse();
        assertThat(dev.network().vpc().cidr()).isEqualTo("10.20.0.0/16");
    }

    @Test
    void imageBuildsAreRelativeToTheTopologyFolder() {
        Topology dev = loader.load(REFERENCE, "dev");

        ImageBuild api = dev.ecr().repositories().get("api").build();
        Path app = REFERENCE.resolve("../app").toAbsolutePath().normalize();
        assertThat(api.isProcess()).isFalse();
        assertThat(api.contextPath()).isEqualTo(app);
        assertThat(api.dockerfilePath()).isEqualTo(app.resolve("Dockerfile")).isRegularFile();
    }

    @Test
    void theProcessFormLoadsWithItsWorkingFolderResolved(@TempDir Path dir) throws IOException {
        copyReferenceBase(dir);
        Files.createDirectories(dir.resolve("environments"));
        Files.writeString(dir.resolve("environments/dev.yaml"), "# no overrides\n");
        Files.createDirectories(dir.resolve("web"));
        Files.writeString(dir.resolve("base.yaml"), Files.readString(dir.resolve("base.yaml")).replaceFirst(
                "frontend: \\{ imageTagMutability: MUTABLE, scanOnPush: true, build: \\{[^}]*} }",
                "frontend: { build: { process: { command: [node, server.js], workingDir: web, files: [\"*.js\", \"static/**\"] } } }"));

        ImageBuild frontend = loader.load(dir, "dev").ecr().repositories().get("frontend").build();

        assertThat(frontend.isProcess()).isTrue();
        assertThat(frontend.process().command()).containsExactly("node", "server.js");
        assertThat(frontend.process().workingDirPath()).isEqualTo(dir.resolve("web").toAbsolutePath());
        assertThat(frontend.process().files()).containsExactly("*.js", "static/**");
    }

    @Test
    void stagingOverlayIsApplied() {
        Topology staging = loader.load(REFERENCE, "staging");

        assertThat(staging.network().vpc().cidr()).isEqualTo("10.30.0.0/16");
        assertThat(staging.network().subnets().get("private-a").cidr()).isEqualTo("10.30.10.0/24");
        assertThat(staging.network().subnets().get("private-a").availabilityZone()).isEqualTo("eu-west-1a");
        assertThat(staging.rds().get("app-db").instanceClass()).isEqualTo("db.t4g.small");
        assertThat(staging.logs().groups().get("frontend").retentionInDays()).isEqualTo(14);
        assertThat(staging.ecs().services().get("api").desiredCount()).isEqualTo(2);
    }

    @Test
    void prodOverlayIsApplied() {
        Topology prod = loader.load(REFERENCE, "prod");

        assertThat(prod.ecs().services().get("api").desiredCount()).isEqualTo(4);
        assertThat(prod.ecs().services().get("api").cpu()).isEqualTo(1024);
        assertThat(prod.ecs().services().get("api").memory()).isEqualTo(2048);
        // Values the overlay does not touch stay the base's.
        assertThat(prod.ecs().services().get("api").image()).isEqualTo("api");
        assertThat(prod.ecs().services().get("api").container().secrets()).containsEntry("DB_SECRET", "db-credentials");
        assertThat(prod.ecr().repositories().values()).allMatch(EcrRepository::immutable);
        assertThat(prod.ecr().repositories().get("api").scanOnPush()).isTrue();
        assertThat(prod.logs().groups().get("admin").retentionInDays()).isEqualTo(90);
        assertThat(prod.rds().get("app-db").multiAz()).isTrue();
        assertThat(prod.rds().get("app-db").allocatedStorage()).isEqualTo(100);
        assertThat(prod.network().vpc().cidr()).isEqualTo("10.40.0.0/16");
    }

    @Test
    void unknownEnvironmentNamesTheAvailableOnes() {
        assertThatThrownBy(() -> loader.load(REFERENCE, "qa"))
                .isInstanceOf(TopologyException.class)
                .hasMessageContaining("qa.yaml")
                .hasMessageContaining("unknown environment 'qa'")
                .hasMessageContaining("[dev, prod, staging]");
    }

    @Test
    void environmentsAreListedFromTheOverlays() {
        assertThat(TopologyLoader.environments(REFERENCE)).containsExactly("dev", "prod", "staging");
    }

    /** The reference base.yaml in another folder, its build contexts still naming the reference services. */
    private static void copyReferenceBase(Path dir) throws IOException {
        String fixtures = REFERENCE.resolve("..").toAbsolutePath().normalize().toString();
        Files.writeString(dir.resolve("base.yaml"), Files.readString(REFERENCE.resolve("base.yaml"))
                .replace("context: ../", "context: " + fixtures + "/"));
    }

    @Test
    void baseAloneHasNoProblems(@TempDir Path dir) throws IOException {
        copyReferenceBase(dir);
        Files.createDirectories(dir.resolve("environments"));
        Files.writeString(dir.resolve("environments/base.yaml"), "# no overrides\n");

        Topology topology = loader.load(dir, "base");

        assertThat(topology.ecs().services().get("api").desiredCount()).isEqualTo(2);
        assertThat(topology.logs().groups().get("api").retentionInDays()).isEqualTo(7);
    }

    @Test
    void problemsNameTheOverlayFileWhenTheOverlaySetTheValue(@TempDir Path dir) throws IOException {
        copyReferenceBase(dir);
        Files.createDirectories(dir.resolve("environments"));
        Files.writeString(dir.resolve("environments/dev.yaml"),
                "ecs:\n  services:\n    api: { autoscaling: { min: 5, max: 3 }, desiredCount: 4 }\n");

        assertThatThrownBy(() -> loader.load(dir, "dev"))
                .isInstanceOfSatisfying(TopologyException.class, e -> assertThat(e.problems())
                        .anySatisfy(p -> {
                            assertThat(p.file().getFileName().toString()).isEqualTo("dev.yaml");
                            assertThat(p.path()).isEqualTo("ecs.services.api.autoscaling.min");
                            assertThat(p.message()).isEqualTo("min (5) is greater than max (3)");
                        }));
    }

    @Test
    void allProblemsAreReportedTogether(@TempDir Path dir) throws IOException {
        copyReferenceBase(dir);
        Files.createDirectories(dir.resolve("environments"));
        Files.writeString(dir.resolve("environments/dev.yaml"), """
                logs:
                  groups:
                    api: { retentionInDays: 4 }
                ecs:
                  services:
                    admin: { cpu: 256, memory: 4096 }
                """);

        assertThatThrownBy(() -> loader.load(dir, "dev"))
                .isInstanceOfSatisfying(TopologyException.class, e -> {
                    assertThat(e.problems()).hasSize(2);
                    assertThat(e.getMessage()).contains("2 problems")
                            .contains("logs.groups.api.retentionInDays")
                            .contains("ecs.services.admin.memory");
                });
    }
    @Test
    void scenarioOverlaysChangeValuesAfterTheEnvironmentsOwn() {
        Topology topology = loader.load(REFERENCE, "dev", java.util.List.of(
                Overlay.yaml("slow-drain", "loadBalancer: {targetGroups: {api: {deregistrationDelaySeconds: 5}}}"),
                Overlay.yaml("two", "ecs: {services: {api: {desiredCount: 2, deployment: {minimumHealthyPercent: 50}}}}")));

        assertThat(topology.loadBalancer().targetGroups().get("api").deregistrationDelaySeconds()).isEqualTo(5);
        assertThat(topology.ecs().services().get("api").desiredCount()).as("over dev's 1").isEqualTo(2);
        assertThat(topology.ecs().services().get("api").deployment().minimumHealthyPercent()).isEqualTo(50);
        assertThat(topology.ecs().services().get("api").deployment().maximumPercent()).as("untouched").isEqualTo(200);
    }

    @Test
    void anOverlayThatAddsAKeyIsRefusedNamingTheOverlay() {
        assertThatThrownBy(() -> loader.load(REFERENCE, "dev", java.util.List.of(
                Overlay.yaml("typo", "ecs: {services: {api: {desiredCont: 2}}}"))))
                .isInstanceOf(TopologyException.class)
                .hasMessageContaining("<overlay typo>")
                .hasMessageContaining("ecs.services.api.desiredCont")
                .hasMessageContaining("did you mean 'desiredCount'");
    }

    @Test
    void anOverlayMayAddAServicesGateSettingsButNotAnUnknownKeyInThem() {
        Topology topology = loader.load(REFERENCE, "dev", java.util.List.of(
                Overlay.yaml("gallery", "ecs: {services: {frontend: {check: {load: {path: /media}, skip: [scaling]}}}}")));
        assertThat(topology.ecs().services().get("frontend").check().load().path()).isEqualTo("/media");
        assertThat(topology.ecs().services().get("frontend").check().skip()).containsExactly("scaling");
        assertThatThrownBy(() -> loader.load(REFERENCE, "dev", java.util.List.of(
                Overlay.yaml("typo", "ecs: {services: {frontend: {check: {lod: {path: /media}}}}}"))))
                .isInstanceOf(TopologyException.class)
                .hasMessageContaining("lod");
    }

    @Test
    void anOverlayThatBreaksARuleGetsTheValidatorsMessageAtTheOverlay() {
        assertThatThrownBy(() -> loader.load(REFERENCE, "dev", java.util.List.of(
                Overlay.yaml("min-over-max", "ecs: {services: {api: {autoscaling: {min: 5}}}}"))))
                .isInstanceOf(TopologyException.class)
                .hasMessageContaining("<overlay min-over-max>: ecs.services.api.autoscaling.min")
                .hasMessageContaining("greater than max");
    }

    @Test
    void anOverlayThatIsNotYamlSaysWhere() {
        assertThatThrownBy(() -> loader.load(REFERENCE, "dev", java.util.List.of(Overlay.yaml("broken", "ecs: {services: [")))) 
                .isInstanceOf(TopologyException.class)
                .hasMessageContaining("<overlay broken>")
                .hasMessageContaining("line 1");
    }
}
