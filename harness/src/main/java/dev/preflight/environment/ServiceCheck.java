package dev.preflight.environment;

import dev.preflight.aws.AwsClients;
import dev.preflight.engine.AwsEngine;
import dev.preflight.engine.EngineException;
import dev.preflight.topology.Topology;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;

/**
 * Before provisioning: asks the AWS engine one harmless read per service the topology needs. A
 * service the engine does not serve (404, "not implemented", unknown operation) is reported, all
 * in one message, with the engine that has it.
 */
public final class ServiceCheck {
    private ServiceCheck() {
    }

    public static void requireServices(AwsClients aws, AwsEngine engine, Topology topology) {
        Map<String, Runnable> probes = new LinkedHashMap<>();
        probes.put("sts", () -> aws.sts().getCallerIdentity());
        if (topology.network() != null) {
            probes.put("ec2", () -> aws.ec2().describeVpcs(r -> r.maxResults(5)));
        }
        if (!topology.iam().roles().isEmpty()) {
            probes.put("iam", () -> aws.iam().listRoles(r -> r.maxItems(1)));
        }
        if (!topology.secrets().isEmpty()) {
            probes.put("secretsmanager", () -> aws.secrets().listSecrets(r -> r.maxResults(1)));
        }
        if (!topology.ecr().repositories().isEmpty()) {
            probes.put("ecr", () -> aws.ecr().describeRepositories(r -> r.maxResults(1)));
        }
        if (!topology.logs().groups().isEmpty()) {
            probes.put("logs", () -> aws.logs().describeLogGroups(r -> r.limit(1)));
        }
        if (!topology.s3().isEmpty()) {
            probes.put("s3", () -> aws.s3().listBuckets());
        }
        if (!topology.rds().isEmpty()) {
            probes.put("rds", () -> aws.rds().describeDBInstances(r -> r.maxRecords(20)));
        }
        if (!topology.elasticache().isEmpty()) {
            probes.put("elasticache", () -> aws.elastiCache().describeCacheClusters(r -> r.maxRecords(20)));
        }
        if (topology.loadBalancer() != null) {
            probes.put("elbv2", () -> aws.elb().describeLoadBalancers(r -> r.pageSize(1)));
        }
        if (topology.ecs() != null) {
            probes.put("ecs", () -> aws.ecs().listClusters(r -> r.maxResults(1)));
            if (topology.ecs().services().values().stream().anyMatch(s -> s.autoscaling() != null)) {
                probes.put("application-autoscaling", () -> aws.autoScaling().describeScalableTargets(r -> r.serviceNamespace("ecs")));
            }
        }
        // Side by side: most of a probe's time is its SDK client's first call (class loading), not the engine.
        Map<String, CompletableFuture<Boolean>> served = new LinkedHashMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(4, r -> {
            Thread t = new Thread(r, "preflight-service-check");
            t.setDaemon(true);
            return t;
        });
        try {
            probes.forEach((service, probe) -> served.put(service, CompletableFuture.supplyAsync(() -> served(probe), pool)));
            CompletableFuture.allOf(served.values().toArray(CompletableFuture[]::new)).join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof SdkClientException cause) {
                throw new EngineException("The AWS engine at " + engine.endpoint() + " does not answer (" + cause.getMessage()
                        + "). Fix: check that " + engine.description() + " is running", cause);
            }
            throw e;
        } finally {
            pool.shutdownNow();
        }
        List<String> missing = new ArrayList<>();
        served.forEach((service, answer) -> {
            if (!answer.join()) {
                missing.add(service);
            }
        });
        if (!missing.isEmpty()) {
            throw new EngineException("The AWS engine (" + engine.description() + ") does not serve " + String.join(", ", missing)
                    + ", which topology '" + topology.environment() + "' needs. Fix: use moto 5.2.x (the embedded default) or"
                    + " LocalStack Pro (LOCALSTACK_AUTH_TOKEN set); LocalStack community lacks ECS, ECR, ELBv2, RDS, ElastiCache"
                    + " and Application Auto Scaling");
        }
    }

    /** False when the engine says it does not serve the probe's service; a connection failure propagates. */
    private static boolean served(Runnable probe) {
        try {
            probe.run();
            return true;
        } catch (AwsServiceException e) {
            return !notServed(e);
        }
    }

    private static boolean notServed(AwsServiceException e) {
        String code = e.awsErrorDetails() == null ? "" : String.valueOf(e.awsErrorDetails().errorCode());
        String message = String.valueOf(e.getMessage()).toLowerCase();
        return e.statusCode() == 404 && !code.contains("NotFound") && !code.contains("NoSuch")
                || e.statusCode() == 501
                || code.equals("InternalFailure") && message.contains("not yet implemented")
                || message.contains("not implemented")
                || message.contains("is not enabled")
                || message.contains("not included within your localstack license");
    }
}
