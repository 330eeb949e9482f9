package dev.preflight.aws;

import dev.preflight.engine.AwsEngine;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.retry.RetryMode;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ecr.EcrClient;
import software.amazon.awssdk.services.ecs.EcsClient;
import software.amazon.awssdk.services.elasticache.ElastiCacheClient;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.sts.StsClient;

/**
 * The real AWS SDK v2 clients, pointed at the AWS engine (or at the AWS front in front of it). One HTTP connection pool serves them all.
 * Every call passes a {@link MutatingCallCounter}, so a test can prove that an apply changed nothing.
 */
public final class AwsClients implements AutoCloseable {
    private final URI endpoint;
    private final Region region;
    private final SdkHttpClient http;
    private final MutatingCallCounter counter = new MutatingCallCounter();
    private final StaticCredentialsProvider credentials;

    private final Ec2Client ec2;
    private final EcrClient ecr;
    private final EcsClient ecs;
    private final ElasticLoadBalancingV2Client elb;
    private final ApplicationAutoScalingClient autoScaling;
    private final RdsClient rds;
    private final ElastiCacheClient elastiCache;
    private final S3Client s3;
    private final CloudWatchLogsClient logs;
    private final SecretsManagerClient secrets;
    private final IamClient iam;
    private final StsClient sts;

    public AwsClients(AwsEngine engine, String region) {
        this(engine.endpoint(), region, engine.accessKeyId(), engine.secretAccessKey());
    }

    /** Clients pointed at any AWS endpoint, e.g. the AWS front ({@code RunningEnvironment.aws()}). */
    public AwsClients(URI endpoint, String region, String accessKeyId, String secretAccessKey) {
        this.endpoint = endpoint;
        this.region = Region.of(region);
        this.credentials = StaticCredentialsProvider.create(AwsBasicCredentials.create(accessKeyId, secretAccessKey));
        this.http = ApacheHttpClient.builder().maxConnections(64)
                .connectionTimeout(Duration.ofSeconds(5)).socketTimeout(Duration.ofSeconds(60)).build();
        ec2 = configure(Ec2Client.builder()).build();
        ecr = configure(EcrClient.builder()).build();
        ecs = configure(EcsClient.builder()).build();
        elb = configure(ElasticLoadBalancingV2Client.builder()).build();
        autoScaling = configure(ApplicationAutoScalingClient.builder()).build();
        rds = configure(RdsClient.builder()).build();
        elastiCache = configure(ElastiCacheClient.builder()).build();
        s3 = configure(S3Client.builder()).forcePathStyle(true).build();
        logs = configure(CloudWatchLogsClient.builder()).build();
        secrets = configure(SecretsManagerClient.builder()).build();
        // IAM is a global service: AWS signs it for us-east-1 whatever the environment's region.
        iam = configure(IamClient.builder()).region(Region.AWS_GLOBAL).build();
        sts = configure(StsClient.builder()).build();
    }

    private <B extends AwsClientBuilder<B, ?>> B configure(B builder) {
        builder.endpointOverride(endpoint).region(region).credentialsProvider(credentials)
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .addExecutionInterceptor(counter)
                        .retryStrategy(RetryMode.STANDARD)
                        .apiCallTimeout(Duration.ofSeconds(60))
                        .build());
        if (builder instanceof software.amazon.awssdk.awscore.client.builder.AwsSyncClientBuilder<?, ?> sync) {
            sync.httpClient(http);
        }
        return builder;
    }

    public URI endpoint() {
        return endpoint;
    }

    public Region region() {
        return region;
    }

    public String accessKeyId() {
        return credentials.resolveCredentials().accessKeyId();
    }

    public String secretAccessKey() {
        return credentials.resolveCredentials().secretAccessKey();
    }

    /** Calls that may change state (anything not Describe/List/Get/Head) since creation. */
    public int mutatingCalls() {
        return counter.count();
    }

    public MutatingCallCounter counter() {
        return counter;
    }

    public Ec2Client ec2() {
        return ec2;
    }

    public EcrClient ecr() {
        return ecr;
    }

    public EcsClient ecs() {
        return ecs;
    }

    public ElasticLoadBalancingV2Client elb() {
        return elb;
    }

    public ApplicationAutoScalingClient autoScaling() {
        return autoScaling;
    }

    public RdsClient rds() {
        return rds;
    }

    public ElastiCacheClient elastiCache() {
        return elastiCache;
    }

    public S3Client s3() {
        return s3;
    }

    public CloudWatchLogsClient logs() {
        return logs;
    }

    public SecretsManagerClient secrets() {
        return secrets;
    }

    public IamClient iam() {
        return iam;
    }

    public StsClient sts() {
        return sts;
    }

    @Override
    public void close() {
        for (AutoCloseable c : new AutoCloseable[] {ec2, ecr, ecs, elb, autoScaling, rds, elastiCache, s3, logs, secrets, iam, sts}) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing a client never fails in a way we can act on
            }
        }
        http.close();
    }

    /** Counts state-changing calls, by operation name, so "apply twice is a no-op" can be proven. */
    public static final class MutatingCallCounter implements software.amazon.awssdk.core.interceptor.ExecutionInterceptor {
        private final AtomicInteger count = new AtomicInteger();
        private final java.util.List<String> operations = java.util.Collections.synchronizedList(new java.util.ArrayList<>());

        @Override
        public void beforeExecution(software.amazon.awssdk.core.interceptor.Context.BeforeExecution context,
                                    software.amazon.awssdk.core.interceptor.ExecutionAttributes attributes) {
            String operation = attributes.getAttribute(software.amazon.awssdk.core.interceptor.SdkExecutionAttribute.OPERATION_NAME);
            if (operation != null && !(operation.startsWith("Describe") || operation.startsWith("List")
                    || operation.startsWith("Get") || operation.startsWith("Head") || operation.startsWith("BatchGet"))) {
                count.incrementAndGet();
                operations.add(operation);
            }
        }

        public int count() {
            return count.get();
        }

        /** The operation names counted so far, in order. */
        public java.util.List<String> operations() {
            synchronized (operations) {
                return java.util.List.copyOf(operations);
            }
        }
    }
}
