package dev.preflight.engine;

import java.net.URI;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.containers.wait.strategy.WaitStrategy;
import org.testcontainers.localstack.LocalStackContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The AWS engine of the {@code containers} set. {@code preflight.aws.image} chooses the emulator:
 * <ul>
 *   <li>{@code moto} (the default): the same moto 5.2.1 as the embedded engine, image
 *       {@value ContainerImages#MOTO}, ready when {@code /moto-api/} answers 200;</li>
 *   <li>{@code localstack}: the Testcontainers LocalStack module; {@value ContainerImages#LOCALSTACK}
 *       (the last tag that starts without a token, whose community services lack ECS, ECR, ELBv2, RDS,
 *       ElastiCache and Application Auto Scaling), or {@value ContainerImages#LOCALSTACK_PRO} when
 *       LOCALSTACK_AUTH_TOKEN is set, which is then passed to the container (the module does not).</li>
 * </ul>
 * {@code preflight.aws.image.name} replaces the image.
 */
public final class ContainerAwsEngine implements AwsEngine {
    public static final String FLAVOR_PROPERTY = "preflight.aws.image";
    static final String MOTO = "moto";
    static final String LOCALSTACK = "localstack";
    static final List<String> FLAVORS = List.of(MOTO, LOCALSTACK);
    static final String TOKEN_VARIABLE = "LOCALSTACK_AUTH_TOKEN";

    static final int MOTO_PORT = 5000;
    static final int LOCALSTACK_PORT = 4566;
    static final Duration MOTO_STARTUP = Duration.ofSeconds(60);
    static final Duration LOCALSTACK_STARTUP = Duration.ofSeconds(180);

    /** What Preflight provisions, by LocalStack's service names. */
    static final List<String> LOCALSTACK_SERVICES = List.of("ec2", "ecr", "ecs", "elbv2", "application-autoscaling",
            "rds", "elasticache", "s3", "logs", "cloudwatch", "secretsmanager", "iam", "sts");

    private final boolean localstack;
    private final Optional<String> token;
    private final String image;
    private final ContainerLifecycle lifecycle;

    public ContainerAwsEngine(EngineSettings settings) {
        this(settings, null, null);
    }

    /** On the run's network, recorded in its ledger. */
    ContainerAwsEngine(EngineSettings settings, ContainerNetwork network, ProcessLedger ledger) {
        String flavor = settings.get(FLAVOR_PROPERTY).map(v -> v.toLowerCase(Locale.ROOT)).orElse(MOTO);
        if (!FLAVORS.contains(flavor)) {
            throw new EngineException("Unknown " + FLAVOR_PROPERTY + " '" + settings.get(FLAVOR_PROPERTY).orElse("")
                    + "' for the containers engine. Fix: set " + FLAVOR_PROPERTY + " (or " + EngineSettings.envName(FLAVOR_PROPERTY)
                    + ") to one of " + String.join(", ", FLAVORS));
        }
        this.localstack = LOCALSTACK.equals(flavor);
        this.token = localstack ? settings.env(TOKEN_VARIABLE) : Optional.empty();
        this.image = ContainerImages.aws(settings, localstack, token.isPresent());
        this.lifecycle = new ContainerLifecycle(image, "check that Docker can pull " + image + " (or set "
                + ContainerImages.AWS_IMAGE_PROPERTY + "); Testcontainers logged the container's output above", network, ledger);
    }

    /** The image this engine runs. */
    String image() {
        return image;
    }

    /** The port the emulator listens on inside the container. */
    int containerPort() {
        return localstack ? LOCALSTACK_PORT : MOTO_PORT;
    }

    /** The environment the container gets (the token included, never logged). */
    Map<String, String> containerEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        if (localstack) {
            env.put("SERVICES", String.join(",", LOCALSTACK_SERVICES));
            token.ifPresent(t -> env.put(TOKEN_VARIABLE, t));
        } else {
            env.put("MOTO_ALLOW_NONEXISTENT_REGION", "true");
        }
        return env;
    }

    /** moto: HTTP 200 on /moto-api/; LocalStack: the module's own wait for its "Ready." log line. */
    WaitStrategy motoWaitStrategy() {
        return Wait.forHttp("/moto-api/").forPort(MOTO_PORT).forStatusCode(200).withStartupTimeout(MOTO_STARTUP);
    }

    /**
     * The configured container, not started. A LocalStack container can only be built where Docker
     * answers: the module asks Docker for its socket path in its constructor.
     */
    GenericContainer<?> newContainer() {
        if (localstack) {
            DockerImageName name = DockerImageName.parse(image).asCompatibleSubstituteFor("localstack/localstack");
            LocalStackContainer container = new LocalStackContainer(name)
                    .withServices(LOCALSTACK_SERVICES.toArray(String[]::new))
                    .withEnv(containerEnv())
                    .withStartupTimeout(LOCALSTACK_STARTUP);
            return ContainerLifecycle.publishOnLoopback(container);
        }
        GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(image))
                .withExposedPorts(MOTO_PORT)
                .withEnv(containerEnv())
                .waitingFor(motoWaitStrategy());
        return ContainerLifecycle.publishOnLoopback(container);
    }

    @Override
    public void start() {
        lifecycle.start(this::newContainer);
    }

    @Override
    public URI endpoint() {
        lifecycle.running("The AWS engine");
        return URI.create("http://" + lifecycle.host(containerPort()) + ":" + lifecycle.mappedPort(containerPort()));
    }

    @Override
    public String flavor() {
        if (!localstack) {
            return MOTO;
        }
        return image.contains("localstack-pro") ? "localstack-pro" : LOCALSTACK;
    }

    @Override
    public void close() {
        lifecycle.stop();
    }

    @Override
    public String description() {
        return "container " + image + (lifecycle.isStarted() ? " at " + endpoint() : " (not started)");
    }
}
