package dev.preflight.engine;

/**
 * The pinned images of the {@code containers} engine, in one place. Each can be replaced by a setting
 * (system property or environment variable, see {@link EngineSettings}):
 *
 * <table>
 *   <tr><th>property</th><th>default</th></tr>
 *   <tr><td>preflight.aws.image.name</td><td>{@value #MOTO}, or {@value #LOCALSTACK} (no token),
 *       or {@value #LOCALSTACK_PRO} (LOCALSTACK_AUTH_TOKEN set), following preflight.aws.image</td></tr>
 *   <tr><td>preflight.postgres.image</td><td>postgres:&lt;declared major&gt;-alpine, else {@value #POSTGRES}</td></tr>
 *   <tr><td>preflight.redis.image</td><td>redis:&lt;declared version&gt;-alpine (see {@link EngineVersions}), else {@value #REDIS}</td></tr>
 * </table>
 */
public final class ContainerImages {
    /** The same moto as the embedded engine runs, as a container. */
    public static final String MOTO = "motoserver/moto:5.2.1";
    /** The last LocalStack community tag that starts without LOCALSTACK_AUTH_TOKEN (later tags need one). */
    public static final String LOCALSTACK = "localstack/localstack:4.14.0";
    /** LocalStack Pro, used when LOCALSTACK_AUTH_TOKEN is set: it has ECS, ECR, ELBv2, RDS, ElastiCache... */
    public static final String LOCALSTACK_PRO = "localstack/localstack-pro:4.14.0";
    public static final String POSTGRES = "postgres:17-alpine";
    public static final String REDIS = "redis:7.4-alpine";

    public static final String AWS_IMAGE_PROPERTY = "preflight.aws.image.name";
    public static final String POSTGRES_IMAGE_PROPERTY = "preflight.postgres.image";
    public static final String REDIS_IMAGE_PROPERTY = "preflight.redis.image";

    private ContainerImages() {
    }

    /** The image of the AWS engine: the setting if given, else the pinned default of the flavor. */
    static String aws(EngineSettings settings, boolean localstack, boolean pro) {
        return settings.get(AWS_IMAGE_PROPERTY).orElse(!localstack ? MOTO : pro ? LOCALSTACK_PRO : LOCALSTACK);
    }

    /** The setting, else the image of the declared engineVersion, else the pinned default. */
    static String postgres(EngineSettings settings, EngineVersions versions) {
        return settings.get(POSTGRES_IMAGE_PROPERTY).or(() -> EngineVersions.postgresImage(versions.postgres())).orElse(POSTGRES);
    }

    static String redis(EngineSettings settings, EngineVersions versions) {
        return settings.get(REDIS_IMAGE_PROPERTY).or(() -> EngineVersions.redisImage(versions.redis())).orElse(REDIS);
    }
}
