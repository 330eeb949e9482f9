package dev.preflight.engine;

import java.time.Duration;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.utility.DockerImageName;

/**
 * The Redis engine of the {@code containers} set: the official image ({@value ContainerImages#REDIS},
 * or {@code preflight.redis.image}) without persistence and with 64 logical databases, one per
 * ElastiCache cluster, like the embedded engine.
 */
public final class ContainerRedisEngine implements RedisEngine {
    static final int PORT = 6379;
    static final Duration STARTUP = Duration.ofSeconds(60);
    /** {@code redis-server --save "" --appendonly no --databases 64}, as argv (no shell: the "" is an empty argument). */
    static final String[] COMMAND = {"redis-server", "--save", "", "--appendonly", "no", "--databases", "64"};
    static final String READY_LOG = ".*Ready to accept connections.*\\n";

    private final String image;
    private final ContainerLifecycle lifecycle;

    public ContainerRedisEngine(EngineSettings settings) {
        this(settings, EngineVersions.NONE, null, null);
    }

    /** On the run's network, recorded in its ledger. */
    ContainerRedisEngine(EngineSettings settings, EngineVersions versions, ContainerNetwork network, ProcessLedger ledger) {
        this.image = ContainerImages.redis(settings, versions);
        this.lifecycle = new ContainerLifecycle(image, "check that Docker can pull " + image + " (or set "
                + ContainerImages.REDIS_IMAGE_PROPERTY + "); Testcontainers logged the container's output above", network, ledger);
    }

    String image() {
        return image;
    }

    /** The configured container, not started. */
    GenericContainer<?> newContainer() {
        GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(image))
                .withExposedPorts(PORT)
                .withCommand(COMMAND.clone())
                .waitingFor(Wait.forLogMessage(READY_LOG, 1).withStartupTimeout(STARTUP));
        return ContainerLifecycle.publishOnLoopback(container);
    }

    @Override
    public void start() {
        lifecycle.start(this::newContainer);
    }

    @Override
    public String host() {
        return lifecycle.host(PORT);
    }

    @Override
    public int port() {
        return lifecycle.mappedPort(PORT);
    }

    @Override
    public void close() {
        lifecycle.stop();
    }

    @Override
    public String description() {
        return "container " + image + (lifecycle.isStarted() ? " at " + lifecycle.address(PORT) : " (not started)");
    }
}
