package dev.preflight.provision;

import static dev.preflight.provision.Placeholders.known;
import static dev.preflight.provision.Placeholders.output;

import dev.preflight.topology.Autoscaling;
import dev.preflight.topology.Ecs;
import dev.preflight.topology.EcsService;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.applicationautoscaling.ApplicationAutoScalingClient;
import software.amazon.awssdk.services.applicationautoscaling.model.ObjectNotFoundException;
import software.amazon.awssdk.services.applicationautoscaling.model.PolicyType;
import software.amazon.awssdk.services.applicationautoscaling.model.PredefinedMetricSpecification;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableDimension;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalableTarget;
import software.amazon.awssdk.services.applicationautoscaling.model.ScalingPolicy;
import software.amazon.awssdk.services.applicationautoscaling.model.ServiceNamespace;
import software.amazon.awssdk.services.applicationautoscaling.model.TargetTrackingScalingPolicyConfiguration;
import software.amazon.awssdk.services.applicationautoscaling.model.ValidationException;

/**
 * Application Auto Scaling of each service's desired count: the scalable target (min, max) and one
 * target-tracking policy per metric.
 *
 * <p>What moto 5.2.1 does (checked by running it): it stores targets and policies and creates the
 * policies' CloudWatch alarms, but never changes a desired count (the runtime's autoscaler does).
 * DisableScaleIn is left out of a policy unless it was sent (absent = false here). A PutScalingPolicy
 * that overwrites a policy leaves the old policy's alarms behind, so a policy is only put when it
 * differs. DeregisterScalableTarget keeps the target's policies (AWS deletes them), so destroy deletes
 * the policies first. "Not found" is a ValidationException in moto, an ObjectNotFoundException in AWS.
 */
final class AutoScalingResources implements ResourceKind {
    static final String CPU_METRIC = "ECSServiceAverageCPUUtilization";
    static final String MEMORY_METRIC = "ECSServiceAverageMemoryUtilization";
    static final String REQUEST_METRIC = "ALBRequestCountPerTarget";
    /** ECS's cooldown defaults (docs/aws-behaviour.md section 4). */
    private static final int DEFAULT_COOLDOWN = 300;

    @Override
    public String title() {
        return "autoscaling";
    }

    @Override
    public void reconcile(ProvisionContext ctx) {
        Ecs ecs = ctx.topology().ecs();
        if (ecs == null) {
            return;
        }
        ecs.services().forEach((name, service) -> {
            String resourceId = resourceId(ctx, ecs, name);
            // A service that does not exist yet (plan only) has no target or policies to read.
            boolean serviceExists = ctx.outputs().get("service", name).isPresent();
            if (service.autoscaling() == null) {
                if (serviceExists) {
                    removeScaling(ctx, name, resourceId);
                }
                return;
            }
            reconcileTarget(ctx, name, resourceId, service.autoscaling(), serviceExists);
            reconcilePolicies(ctx, name, service, resourceId, serviceExists);
        });
    }

    @Override
    public void destroy(ProvisionContext ctx) {
        Ecs ecs = ctx.topology().ecs();
        if (ecs == null) {
            return;
        }
        for (String name : ecs.services().keySet()) {
            removeScaling(ctx, name, resourceId(ctx, ecs, name));
        }
    }

    // ---- scalable target ---------------------------------------------------------------------------

    private void reconcileTarget(ProvisionContext ctx, String name, String resourceId, Autoscaling desired,
                                 boolean serviceExists) {
        ApplicationAutoScalingClient client = ctx.aws().autoScaling();
        Runnable register = () -> {
            client.registerScalableTarget(r -> r.serviceNamespace(ServiceNamespace.ECS).resourceId(resourceId)
                    .scalableDimension(ScalableDimension.ECS_SERVICE_DESIRED_COUNT)
                    .minCapacity(desired.min()).maxCapacity(desired.max()));
            ctx.outputs().put("scalableTarget", name, resourceId);
        };
        Optional<ScalableTarget> actual = serviceExists ? findTarget(client, resourceId) : Optional.empty();
        if (actual.isEmpty()) {
            ctx.create(targetResource(resourceId), register);
            return;
        }
        ctx.outputs().put("scalableTarget", name, resourceId);
        Differences differences = new Differences();
        boolean differs = differences.check("min", actual.get().minCapacity(), desired.min())
                | differences.check("max", actual.get().maxCapacity(), desired.max());
        if (differs) {
            differences.fix(register);
        }
        differences.report(ctx, targetResource(resourceId));
    }

    // ---- policies ----------------------------------------------------------------------------------

    private void reconcilePolicies(ProvisionContext ctx, String name, EcsService service, String resourceId,
                                   boolean serviceExists) {
        ApplicationAutoScalingClient client = ctx.aws().autoScaling();
        Map<String, ScalingPolicy> actual = serviceExists ? policies(client, resourceId) : new LinkedHashMap<>();
        for (Autoscaling.ScalingPolicy policy : service.autoscaling().policies()) {
            String policyName = policyName(ctx, name, policy.metric());
            String resource = policyResource(policyName);
            TargetTrackingScalingPolicyConfiguration desired = desiredConfiguration(ctx, service, policy);
            Runnable put = () -> client.putScalingPolicy(r -> r.policyName(policyName)
                    .serviceNamespace(ServiceNamespace.ECS).resourceId(resourceId)
                    .scalableDimension(ScalableDimension.ECS_SERVICE_DESIRED_COUNT)
                    .policyType(PolicyType.TARGET_TRACKING_SCALING)
                    .targetTrackingScalingPolicyConfiguration(desired));
            ScalingPolicy existing = actual.remove(policyName);
            if (existing == null) {
                ctx.create(resource, put);
                continue;
            }
            Differences differences = new Differences();
            comparePolicy(existing, desired, differences);
            differences.fix(put);
            differences.report(ctx, resource);
        }
        // Policies the topology no longer has.
        actual.values().forEach(extra -> ctx.delete(policyResource(extra.policyName()),
                () -> deletePolicy(client, extra)));
    }

    private static TargetTrackingScalingPolicyConfiguration desiredConfiguration(ProvisionContext ctx, EcsService service,
                                                                                 Autoscaling.ScalingPolicy policy) {
        PredefinedMetricSpecification.Builder metric = PredefinedMetricSpecification.builder()
                .predefinedMetricType(policy.metric());
        if (REQUEST_METRIC.equals(policy.metric())) {
            metric.resourceLabel(resourceLabel(ctx, service));
        }
        return TargetTrackingScalingPolicyConfiguration.builder()
                .targetValue(policy.targetValue())
                .predefinedMetricSpecification(metric.build())
                .scaleOutCooldown(policy.scaleOutCooldownSeconds())
                .scaleInCooldown(policy.scaleInCooldownSeconds())
                .disableScaleIn(policy.disableScaleIn())
                .build();
    }

    /**
     * {@code app/<lb-name>/<lb-id>/targetgroup/<tg-name>/<tg-id>}: the load balancer ARN after
     * {@code loadbalancer/} and the target group ARN after its last {@code :}.
     */
    static String resourceLabel(ProvisionContext ctx, EcsService service) {
        String lbArn = output(ctx, "loadBalancer", ctx.topology().loadBalancer().name());
        String tgArn = output(ctx, "targetGroup", service.targetGroup());
        if (!known(lbArn)) {
            return lbArn;
        }
        if (!known(tgArn)) {
            return tgArn;
        }
        return lbArn.substring(lbArn.indexOf("loadbalancer/") + "loadbalancer/".length()) + "/"
                + tgArn.substring(tgArn.lastIndexOf(':') + 1);
    }

    private static void comparePolicy(ScalingPolicy actual, TargetTrackingScalingPolicyConfiguration desired,
                                      Differences differences) {
        differences.check("policy type", actual.policyTypeAsString(), PolicyType.TARGET_TRACKING_SCALING.toString());
        TargetTrackingScalingPolicyConfiguration config = actual.targetTrackingScalingPolicyConfiguration();
        if (config == null) {
            differences.note("no target tracking configuration");
            return;
        }
        PredefinedMetricSpecification actualMetric = config.predefinedMetricSpecification();
        differences.check("metric", actualMetric == null ? null : actualMetric.predefinedMetricTypeAsString(),
                desired.predefinedMetricSpecification().predefinedMetricTypeAsString());
        differences.check("resource label", actualMetric == null ? null : emptyToNull(actualMetric.resourceLabel()),
                desired.predefinedMetricSpecification().resourceLabel());
        differences.check("target value", config.targetValue(), desired.targetValue());
        differences.check("scale-out cooldown", orDefault(config.scaleOutCooldown()), desired.scaleOutCooldown());
        differences.check("scale-in cooldown", orDefault(config.scaleInCooldown()), desired.scaleInCooldown());
        differences.check("disable scale-in", Boolean.TRUE.equals(config.disableScaleIn()), desired.disableScaleIn());
    }

    /** {@code shop-dev-api-cpu}, {@code shop-dev-api-memory}, {@code shop-dev-api-alb-requests}. */
    static String policyName(ProvisionContext ctx, String service, String metric) {
        return ctx.naming().of(service) + "-" + shortMetric(metric);
    }

    private static String shortMetric(String metric) {
        return switch (metric) {
            case CPU_METRIC -> "cpu";
            case MEMORY_METRIC -> "memory";
            case REQUEST_METRIC -> "alb-requests";
            default -> metric.replaceAll("([a-z])([A-Z])", "$1-$2").toLowerCase();
        };
    }

    // ---- removal -----------------------------------------------------------------------------------

    /** Deletes the service's policies, then its scalable target (moto keeps the policies of a deregistered target). */
    private void removeScaling(ProvisionContext ctx, String name, String resourceId) {
        ApplicationAutoScalingClient client = ctx.aws().autoScaling();
        policies(client, resourceId).values().forEach(policy ->
                ctx.delete(policyResource(policy.policyName()), () -> deletePolicy(client, policy)));
        findTarget(client, resourceId).ifPresent(target -> ctx.delete(targetResource(resourceId), () -> {
            try {
                client.deregisterScalableTarget(r -> r.serviceNamespace(ServiceNamespace.ECS).resourceId(resourceId)
                        .scalableDimension(ScalableDimension.ECS_SERVICE_DESIRED_COUNT));
            } catch (ObjectNotFoundException | ValidationException alreadyGone) {
                ignoreIfNotFound(alreadyGone);
            }
        }));
        ctx.outputs().remove("scalableTarget", name);
    }

    private static void deletePolicy(ApplicationAutoScalingClient client, ScalingPolicy policy) {
        try {
            client.deleteScalingPolicy(r -> r.policyName(policy.policyName()).serviceNamespace(policy.serviceNamespace())
                    .resourceId(policy.resourceId()).scalableDimension(policy.scalableDimension()));
        } catch (ObjectNotFoundException | ValidationException alreadyGone) {
            ignoreIfNotFound(alreadyGone);
        }
    }

    /** moto says "No scalable target found ..." / "No scaling policy found ..." as a ValidationException. */
    private static void ignoreIfNotFound(RuntimeException e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        if (e instanceof ValidationException && !(message.startsWith("No ") && message.contains(" found"))) {
            throw e;
        }
    }

    // ---- lookups and small helpers -----------------------------------------------------------------

    private static Optional<ScalableTarget> findTarget(ApplicationAutoScalingClient client, String resourceId) {
        return client.describeScalableTargets(r -> r.serviceNamespace(ServiceNamespace.ECS).resourceIds(resourceId)
                        .scalableDimension(ScalableDimension.ECS_SERVICE_DESIRED_COUNT))
                .scalableTargets().stream().filter(t -> resourceId.equals(t.resourceId())).findFirst();
    }

    /** The service's policies by name. */
    private static Map<String, ScalingPolicy> policies(ApplicationAutoScalingClient client, String resourceId) {
        Map<String, ScalingPolicy> byName = new LinkedHashMap<>();
        List<ScalingPolicy> all = new ArrayList<>();
        client.describeScalingPoliciesPaginator(r -> r.serviceNamespace(ServiceNamespace.ECS).resourceId(resourceId)
                .scalableDimension(ScalableDimension.ECS_SERVICE_DESIRED_COUNT)).scalingPolicies().forEach(all::add);
        all.stream().filter(p -> resourceId.equals(p.resourceId())).forEach(p -> byName.put(p.policyName(), p));
        return byName;
    }

    /** {@code service/<cluster>/<service>}, as Application Auto Scaling names an ECS service. */
    static String resourceId(ProvisionContext ctx, Ecs ecs, String service) {
        return "service/" + ctx.naming().of(ecs.cluster()) + "/" + ctx.naming().of(service);
    }

    private static Integer orDefault(Integer cooldown) {
        return cooldown == null ? DEFAULT_COOLDOWN : cooldown;
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    private static String targetResource(String resourceId) {
        return "scalable target " + resourceId;
    }

    private static String policyResource(String policyName) {
        return "scaling policy " + policyName;
    }
}
