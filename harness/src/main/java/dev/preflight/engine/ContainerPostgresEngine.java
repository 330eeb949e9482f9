package dev.preflight.engine;

import java.time.Duration;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The PostgreSQL engine of the {@code containers} set: the official image ({@value ContainerImages#POSTGRES},
 * or {@code preflight.postgres.image}) through the Testcontainers PostgreSQL module. The superuser
 * {@code postgres} has a password, and the image's pg_hba asks every TCP client for its password
 * (scram-sha-256), so the roles the harness creates really authenticate.
 */
public final class ContainerPostgresEngine implements PostgresEngine {
    static final String SUPERUSER = "postgres";
    static final String SUPERUSER_PASSWORD = "preflight-superuser";
    static final String DATABASE = "postgres";
    static final int PORT = 5432;
    static final Duration STARTUP = Duration.ofSeconds(90);

    private final String image;
    private final ContainerLifecycle lifecycle;

    public ContainerPostgresEngine(EngineSettings settings) {
        this(settings, EngineVersions.NONE, null, null);
    }

    /** On the run's network, recorded in its ledger. */
    ContainerPostgresEngine(EngineSettings settings, EngineVersions versions, ContainerNetwork network, ProcessLedger ledger) {
        this.image = ContainerImages.postgres(settings, versions);
        this.lifecycle = new ContainerLifecycle(image, "check that Docker can pull " + image + " (or set "
                + ContainerImages.POSTGRES_IMAGE_PROPERTY + "); Testcontainers logged the container's output above", network, ledger);
    }

    String image() {
        return image;
    }

    /** The configured container, not started. */
    PostgreSQLContainer newContainer() {
        PostgreSQLContainer container = new PostgreSQLContainer(DockerImageName.parse(image).asCompatibleSubstituteFor("postgres"))
                .withUsername(SUPERUSER)
                .withPassword(SUPERUSER_PASSWORD)
                .withDatabaseName(DATABASE)
                .withCommand("postgres", "-c", "fsync=off", "-c", "max_connections=300", "-c", "password_encryption=scram-sha-256")
                .withStartupTimeout(STARTUP);
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
    public String superuser() {
        return SUPERUSER;
    }

    @Override
    public String superuserPassword() {
        return SUPERUSER_PASSWORD;
    }

    @Override
    public String adminDatabase() {
        return DATABASE;
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
