package dev.preflight.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import java.lang.reflect.Method;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.HttpWaitStrategy;
import org.testcontainers.containers.wait.strategy.LogMessageWaitStrategy;
import org.testcontainers.containers.wait.strategy.WaitStrategy;
import org.testcontainers.postgresql.PostgreSQLContainer;

/** How the containers engine configures its containers. Starts no container; runs with or without Docker. */
class ContainerConfigurationTest {

    private static EngineSettings settings(Map<String, String> properties, Map<String, String> environment) {
        return EngineSettings.of(properties, environment);
    }

    private static EngineSettings defaults() {
        return settings(Map.of(), Map.of());
    }

    /** GenericContainer#getWaitStrategy is protected: read it the way Testcontainers does. */
    private static WaitStrategy waitStrategyOf(GenericContainer<?> container) throws Exception {
        Method getter = GenericContainer.class.getDeclaredMethod("getWaitStrategy");
        getter.setAccessible(true);
        return (WaitStrategy) getter.invoke(container);
    }

    private static String imageOf(GenericContainer<?> container) {
        // RemoteDockerImage#toString names the image without pulling it (getDockerImageName would pull);
        // a configured Docker Hub prefix (a mirror, or this project's local images) is Testcontainers' doing, not ours.
        String prefix = org.testcontainers.utility.TestcontainersConfiguration.getInstance().getEnvVarOrProperty("hub.image.name.prefix", "");
        String named = container.getImage().toString();
        return prefix.isEmpty() ? named : named.replace("imageName=" + prefix, "imageName=");
    }

    @Test
    void motoIsTheDefaultAwsContainer() throws Exception {
        ContainerAwsEngine engine = new ContainerAwsEngine(defaults());
        GenericContainer<?> container = engine.newContainer();

        assertThat(engine.flavor()).isEqualTo("moto");
        assertThat(engine.image()).isEqualTo("motoserver/moto:5.2.1").isEqualTo(ContainerImages.MOTO);
        assertThat(imageOf(container)).contains("imageName=motoserver/moto:5.2.1");
        assertThat(container.getExposedPorts()).containsExactly(5000);
        assertThat(container.getEnvMap()).containsEntry("MOTO_ALLOW_NONEXISTENT_REGION", "true")
                .doesNotContainKey("LOCALSTACK_AUTH_TOKEN");
        WaitStrategy wait = waitStrategyOf(container);
        assertThat(wait).isInstanceOf(HttpWaitStrategy.class);
        assertThat(wait).extracting("path").isEqualTo("/moto-api/");
        assertThat(wait).extracting("statusCodes").asInstanceOf(org.assertj.core.api.InstanceOfAssertFactories.ITERABLE)
                .containsExactly(200);
        assertThat(wait).extracting("startupTimeout").isEqualTo(ContainerAwsEngine.MOTO_STARTUP);
        assertThat(engine.description()).isEqualTo("container motoserver/moto:5.2.1 (not started)");
    }

    @Test
    void motoImageCanBeReplacedBySetting() {
        ContainerAwsEngine engine = new ContainerAwsEngine(settings(Map.of("preflight.aws.image.name", "motoserver/moto:5.1.0"), Map.of()));
        assertThat(engine.image()).isEqualTo("motoserver/moto:5.1.0");
        assertThat(imageOf(engine.newContainer())).contains("imageName=motoserver/moto:5.1.0");

        ContainerAwsEngine fromEnv = new ContainerAwsEngine(settings(Map.of(), Map.of("PREFLIGHT_AWS_IMAGE_NAME", "mirror/moto:5.2.1")));
        assertThat(fromEnv.image()).isEqualTo("mirror/moto:5.2.1");
    }

    @Test
    void localstackWithATokenUsesProAndPassesTheToken() {
        ContainerAwsEngine engine = new ContainerAwsEngine(settings(
                Map.of("preflight.aws.image", "localstack"), Map.of("LOCALSTACK_AUTH_TOKEN", "abc")));

        assertThat(engine.flavor()).isEqualTo("localstack-pro");
        assertThat(engine.image()).isEqualTo("localstack/localstack-pro:4.14.0").isEqualTo(ContainerImages.LOCALSTACK_PRO);
        assertThat(engine.containerPort()).isEqualTo(4566);
        assertThat(engine.containerEnv())
                .containsEntry("LOCALSTACK_AUTH_TOKEN", "abc")
                .containsEntry("SERVICES", "ec2,ecr,ecs,elbv2,application-autoscaling,rds,elasticache,s3,logs,cloudwatch,secretsmanager,iam,sts")
                .doesNotContainKey("MOTO_ALLOW_NONEXISTENT_REGION");
        assertThat(engine.description()).doesNotContain("abc");
    }

    @Test
    void localstackWithoutATokenUsesTheLastFreeCommunityTag() {
        ContainerAwsEngine engine = new ContainerAwsEngine(settings(Map.of("preflight.aws.image", "LocalStack"), Map.of()));

        assertThat(engine.flavor()).isEqualTo("localstack");
        assertThat(engine.image()).isEqualTo("localstack/localstack:4.14.0").isEqualTo(ContainerImages.LOCALSTACK);
        assertThat(engine.containerEnv()).doesNotContainKey("LOCALSTACK_AUTH_TOKEN").containsKey("SERVICES");
    }

    @Test
    void motoIgnoresALocalstackToken() {
        ContainerAwsEngine engine = new ContainerAwsEngine(settings(Map.of(), Map.of("LOCALSTACK_AUTH_TOKEN", "abc")));
        assertThat(engine.flavor()).isEqualTo("moto");
        assertThat(engine.newContainer().getEnvMap()).doesNotContainKey("LOCALSTACK_AUTH_TOKEN");
    }

    /** The LocalStack module asks Docker for its socket in its constructor, so this needs Docker. */
    @Test
    void localstackContainerCarriesTokenImageAndServices() {
        assumeTrue(DockerAvailability.isAvailable(), DockerAvailability.reason());
        GenericContainer<?> pro = new ContainerAwsEngine(settings(
                Map.of("preflight.aws.image", "localstack"), Map.of("LOCALSTACK_AUTH_TOKEN", "abc"))).newContainer();
        assertThat(imageOf(pro)).contains("imageName=localstack/localstack-pro:4.14.0");
        assertThat(pro.getEnvMap()).containsEntry("LOCALSTACK_AUTH_TOKEN", "abc").containsKey("SERVICES");
        assertThat(pro.getExposedPorts()).contains(4566);

        GenericContainer<?> community = new ContainerAwsEngine(settings(Map.of("preflight.aws.image", "localstack"), Map.of())).newContainer();
        assertThat(imageOf(community)).contains("imageName=localstack/localstack:4.14.0");
        assertThat(community.getEnvMap()).doesNotContainKey("LOCALSTACK_AUTH_TOKEN");
    }

    @Test
    void unknownAwsImageNamesTheAllowedValues() {
        assertThatThrownBy(() -> new ContainerAwsEngine(settings(Map.of("preflight.aws.image", "floki"), Map.of())))
                .isInstanceOf(EngineException.class)
                .hasMessageContaining("'floki'")
                .hasMessageContaining("preflight.aws.image")
                .hasMessageContaining("moto, localstack");
    }

    @Test
    void postgresContainerHasThePinnedImageAndAPasswordedSuperuser() throws Exception {
        ContainerPostgresEngine engine = new ContainerPostgresEngine(defaults());
        PostgreSQLContainer container = engine.newContainer();

        assertThat(engine.image()).isEqualTo("postgres:17-alpine").isEqualTo(ContainerImages.POSTGRES);
        assertThat(imageOf(container)).contains("imageName=postgres:17-alpine");
        assertThat(container.getUsername()).isEqualTo("postgres").isEqualTo(engine.superuser());
        assertThat(container.getPassword()).isNotBlank().isEqualTo(engine.superuserPassword());
        assertThat(container.getDatabaseName()).isEqualTo("postgres").isEqualTo(engine.adminDatabase());
        assertThat(container.getExposedPorts()).contains(5432);
        assertThat(container.getCommandParts()).containsSubsequence("postgres", "-c", "fsync=off")
                .contains("max_connections=300", "password_encryption=scram-sha-256");
        assertThat(waitStrategyOf(container)).extracting("startupTimeout").isEqualTo(ContainerPostgresEngine.STARTUP);
        assertThat(engine.description()).isEqualTo("container postgres:17-alpine (not started)");
    }

    @Test
    void postgresImageCanBeReplacedBySetting() {
        ContainerPostgresEngine engine = new ContainerPostgresEngine(settings(Map.of("preflight.postgres.image", "postgres:16-alpine"), Map.of()));
        assertThat(imageOf(engine.newContainer())).contains("imageName=postgres:16-alpine");
        ContainerPostgresEngine mirror = new ContainerPostgresEngine(settings(Map.of(), Map.of("PREFLIGHT_POSTGRES_IMAGE", "mirror.example/pg:17")));
        assertThat(imageOf(mirror.newContainer())).contains("imageName=mirror.example/pg:17");
    }

    @Test
    void redisContainerHasThePinnedImageCommandAndReadinessLog() throws Exception {
        ContainerRedisEngine engine = new ContainerRedisEngine(defaults());
        GenericContainer<?> container = engine.newContainer();

        assertThat(engine.image()).isEqualTo("redis:7.4-alpine").isEqualTo(ContainerImages.REDIS);
        assertThat(imageOf(container)).contains("imageName=redis:7.4-alpine");
        assertThat(container.getExposedPorts()).containsExactly(6379);
        assertThat(container.getCommandParts())
                .containsExactly("redis-server", "--save", "", "--appendonly", "no", "--databases", "64");
        WaitStrategy wait = waitStrategyOf(container);
        assertThat(wait).isInstanceOf(LogMessageWaitStrategy.class);
        assertThat(wait).extracting("regEx").asString().contains("Ready to accept connections");
        assertThat("1:M 01 Jan 2026 00:00:00.000 * Ready to accept connections tcp\n").matches(ContainerRedisEngine.READY_LOG);

        ContainerRedisEngine other = new ContainerRedisEngine(settings(Map.of("preflight.redis.image", "redis:7.2-alpine"), Map.of()));
        assertThat(imageOf(other.newContainer())).contains("imageName=redis:7.2-alpine");
    }

    @Test
    void portsArePublishedOnLoopback() {
        HostConfig hostConfig = HostConfig.newHostConfig().withPortBindings(
                new PortBinding(Ports.Binding.empty(), ExposedPort.tcp(5000)),
                new PortBinding(Ports.Binding.bindIpAndPort("0.0.0.0", 15432), ExposedPort.tcp(5432)),
                new PortBinding(Ports.Binding.bindIp("10.0.0.7"), ExposedPort.tcp(6379)));

        ContainerLifecycle.bindPorts(hostConfig, LocalPorts.LOOPBACK, false);

        Map<ExposedPort, Ports.Binding[]> bindings = hostConfig.getPortBindings().getBindings();
        assertThat(bindings.get(ExposedPort.tcp(5000))).containsExactly(Ports.Binding.bindIp("127.0.0.1"));
        assertThat(bindings.get(ExposedPort.tcp(5432))).containsExactly(Ports.Binding.bindIpAndPort("127.0.0.1", 15432));
        assertThat(bindings.get(ExposedPort.tcp(6379))).containsExactly(Ports.Binding.bindIp("10.0.0.7"));
    }

    @Test
    void engineFactoryBuildsContainerEngines(@TempDir Path tempDir) {
        EngineSettings settings = settings(Map.of("preflight.engines", "containers"), Map.of());
        assertThat(settings.kind()).isEqualTo(EngineKind.CONTAINERS);
        Path runDir = tempDir.resolve("run");
        try (Engines engines = EngineFactory.build(settings.kind(), settings, EngineVersions.NONE, new ProcessLedger(tempDir.resolve("ledger")), runDir)) {
            assertThat(engines.kind()).isEqualTo(EngineKind.CONTAINERS);
            assertThat(engines.aws()).isInstanceOf(ContainerAwsEngine.class);
            assertThat(engines.postgres()).isInstanceOf(ContainerPostgresEngine.class);
            assertThat(engines.redis()).isInstanceOf(ContainerRedisEngine.class);
            assertThat(engines.describe()).containsExactly(
                    "aws: container motoserver/moto:5.2.1 (not started)",
                    "postgres: container postgres:17-alpine (not started)",
                    "redis: container redis:7.4-alpine (not started)");
        }
    }

    @Test
    void engineFactoryRejectsAnUnknownAwsImage(@TempDir Path tempDir) {
        EngineSettings settings = settings(Map.of("preflight.engines", "containers", "preflight.aws.image", "floki"), Map.of());
        assertThatThrownBy(() -> EngineFactory.build(settings.kind(), settings, EngineVersions.NONE, new ProcessLedger(tempDir), tempDir))
                .isInstanceOf(EngineException.class).hasMessageContaining("moto, localstack");
    }

    @Test
    void startWithoutDockerSaysSoAndCloseIsHarmless() {
        assumeFalse(DockerAvailability.isAvailable(), "Docker is available here: this test is about its absence");
        List<Engine> engines = List.of(
                new ContainerAwsEngine(defaults()),
                new ContainerAwsEngine(settings(Map.of("preflight.aws.image", "localstack"), Map.of("LOCALSTACK_AUTH_TOKEN", "abc"))),
                new ContainerPostgresEngine(defaults()),
                new ContainerRedisEngine(defaults()));
        for (Engine engine : engines) {
            for (int attempt = 0; attempt < 2; attempt++) {
                assertThatThrownBy(engine::start)
                        .isInstanceOf(EngineException.class)
                        .hasMessage("Docker is not available: the containers engine needs a running Docker engine."
                                + " Fix: start Docker, or use -Dpreflight.engines=embedded (the default)");
            }
            engine.close();
            engine.close();
            assertThat(engine.description()).endsWith("(not started)");
        }
        assertThatThrownBy(() -> ((AwsEngine) engines.get(0)).endpoint()).isInstanceOf(EngineException.class)
                .hasMessageContaining("not started");
    }

    @Test
    void dockerCheckIsRemembered() {
        long start = System.nanoTime();
        boolean available = DockerAvailability.isAvailable();
        System.out.println("DockerAvailability.isAvailable() = " + available + " in "
                + Duration.ofNanos(System.nanoTime() - start).toMillis() + " ms (the first call in a JVM costs ~2 s without Docker)");
        assertThat(DockerAvailability.reason()).isEqualTo("Docker is not available");
        // Testcontainers remembers the answer: asking again is free
        long again = System.nanoTime();
        assertThat(DockerAvailability.isAvailable()).isEqualTo(available);
        assertThat(Duration.ofNanos(System.nanoTime() - again)).isLessThan(Duration.ofSeconds(1));
    }
}
