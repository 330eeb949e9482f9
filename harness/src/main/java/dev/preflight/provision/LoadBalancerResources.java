package dev.preflight.provision;

import static dev.preflight.provision.Placeholders.known;
import static dev.preflight.provision.Placeholders.output;

import dev.preflight.topology.LoadBalancer.ListenerRule;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import software.amazon.awssdk.services.elasticloadbalancingv2.ElasticLoadBalancingV2Client;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Action;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ActionTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.AvailabilityZone;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Listener;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ListenerNotFoundException;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancer;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancerAttribute;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancerNotFoundException;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancerSchemeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.LoadBalancerTypeEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ProtocolEnum;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.ResourceInUseException;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Rule;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.RuleCondition;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.RuleNotFoundException;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.Tag;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroup;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroupAttribute;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetGroupNotFoundException;
import software.amazon.awssdk.services.elasticloadbalancingv2.model.TargetTypeEnum;

/**
 * The Application Load Balancer: its target groups (health checks, deregistration delay, algorithm),
 * the load balancer itself (idle timeout), its HTTP listener and the listener's rules.
 *
 * <p>moto 5.2.1 holds all of this as configuration only (it forwards nothing, and reports every
 * target healthy); the runtime's ALB routes the traffic according to what is stored here.
 */
final class LoadBalancerResources implements ResourceKind {
    static final String IDLE_TIMEOUT = "idle_timeout.timeout_seconds";
    static final String DEREGISTRATION_DELAY = "deregistration_delay.timeout_seconds";
    static final String ALGORITHM = "load_balancing.algorithm.type";
    private static final String PATH_PATTERN = "path-pattern";
    private static final String HOST_HEADER = "host-header";
    /** AWS deletes a load balancer asynchronously; its target groups stay "in use" for a moment. */
    private static final Duration IN_USE_WAIT = Duration.ofSeconds(60);

    @Override
    public String title() {
        return "load balancer";
    }

    @Override
    public void reconcile(ProvisionContext ctx) {
        dev.preflight.topology.LoadBalancer lb = ctx.topology().loadBalancer();
        if (lb == null) {
            return;
        }
        lb.targetGroups().forEach((name, tg) -> reconcileTargetGroup(ctx, name, tg));
        reconcileLoadBalancer(ctx, lb);
        reconcileListener(ctx, lb);
    }

    @Override
    public void destroy(ProvisionContext ctx) {
        dev.preflight.topology.LoadBalancer lb = ctx.topology().loadBalancer();
        if (lb == null) {
            return;
        }
        ElasticLoadBalancingV2Client elb = ctx.aws().elb();
        findLoadBalancer(elb, ctx.naming().elbName(lb.name())).ifPresent(actual -> {
            for (Listener listener : elb.describeListeners(r -> r.loadBalancerArn(actual.loadBalancerArn())).listeners()) {
                deleteListener(ctx, lb.name(), listener);
            }
            ctx.delete(albResource(ctx, lb.name()), () -> elb.deleteLoadBalancer(r -> r.loadBalancerArn(actual.loadBalancerArn())));
        });
        ctx.outputs().remove("loadBalancer", lb.name());
        ctx.outputs().remove("loadBalancerDns", lb.name());
        ctx.outputs().remove("listener", lb.name());
        for (String name : lb.targetGroups().keySet()) {
            findTargetGroup(elb, ctx.naming().elbName(name)).ifPresent(actual ->
                    ctx.delete(tgResource(ctx, name), () -> deleteTargetGroup(elb, actual.targetGroupArn())));
            ctx.outputs().remove("targetGroup", name);
        }
    }

    // ---- target groups ----------------------------------------------------------------------------

    private void reconcileTargetGroup(ProvisionContext ctx, String name, dev.preflight.topology.TargetGroup tg) {
        ElasticLoadBalancingV2Client elb = ctx.aws().elb();
        String awsName = ctx.naming().elbName(name);
        String vpcId = output(ctx, "vpc", "main");
        Optional<TargetGroup> found = findTargetGroup(elb, awsName);
        if (found.isEmpty()) {
            ctx.create(tgResource(ctx, name), () -> {
                TargetGroup created = elb.createTargetGroup(r -> r.name(awsName).protocol(ProtocolEnum.HTTP)
                        .port(tg.port()).vpcId(vpcId).targetType(TargetTypeEnum.IP)
                        .healthCheckEnabled(true).healthCheckProtocol(ProtocolEnum.HTTP)
                        .healthCheckPath(tg.healthCheck().path())
                        .healthCheckIntervalSeconds(tg.healthCheck().intervalSeconds())
                        .healthCheckTimeoutSeconds(tg.healthCheck().timeoutSeconds())
                        .healthyThresholdCount(tg.healthCheck().healthyThreshold())
                        .unhealthyThresholdCount(tg.healthCheck().unhealthyThreshold())
                        .matcher(m -> m.httpCode(tg.healthCheck().matcher()))
                        .tags(tags(ctx, awsName))).targetGroups().get(0);
                elb.modifyTargetGroupAttributes(r -> r.targetGroupArn(created.targetGroupArn())
                        .attributes(tgAttribute(DEREGISTRATION_DELAY, String.valueOf(tg.deregistrationDelaySeconds())),
                                tgAttribute(ALGORITHM, tg.algorithm())));
                ctx.outputs().put("targetGroup", name, created.targetGroupArn());
            });
            return;
        }
        TargetGroup actual = found.get();
        ctx.outputs().put("targetGroup", name, actual.targetGroupArn());
        requireSameIdentity(name, actual, tg, vpcId);
        Differences differences = new Differences();
        compareHealthCheck(elb, actual, tg.healthCheck(), differences);
        compareTargetGroupAttributes(elb, actual.targetGroupArn(), tg, differences);
        differences.report(ctx, tgResource(ctx, name));
    }

    /** Port, protocol, VPC and target type cannot be modified: a target group must be replaced for them. */
    private static void requireSameIdentity(String name, TargetGroup actual, dev.preflight.topology.TargetGroup tg, String vpcId) {
        boolean same = Objects.equals(actual.port(), tg.port()) && actual.protocol() == ProtocolEnum.HTTP
                && actual.targetType() == TargetTypeEnum.IP && (!known(vpcId) || vpcId.equals(actual.vpcId()));
        if (!same) {
            throw new ProvisionException("Target group '" + name + "' exists as " + actual.protocol() + ":" + actual.port()
                    + " (" + actual.targetType() + ", " + actual.vpcId() + ") but the topology wants HTTP:" + tg.port()
                    + " (ip, " + vpcId + "); these cannot be changed in place: destroy the environment and apply again");
        }
    }

    private static void compareHealthCheck(ElasticLoadBalancingV2Client elb, TargetGroup actual,
                                           dev.preflight.topology.TargetGroup.HealthCheck desired, Differences differences) {
        String actualMatcher = actual.matcher() == null ? null : actual.matcher().httpCode();
        boolean differs = differences.check("health check path", actual.healthCheckPath(), desired.path())
                | differences.check("health check interval", actual.healthCheckIntervalSeconds(), desired.intervalSeconds())
                | differences.check("health check timeout", actual.healthCheckTimeoutSeconds(), desired.timeoutSeconds())
                | differences.check("healthy threshold", actual.healthyThresholdCount(), desired.healthyThreshold())
                | differences.check("unhealthy threshold", actual.unhealthyThresholdCount(), desired.unhealthyThreshold())
                | differences.check("matcher", actualMatcher, desired.matcher());
        if (differs) {
            differences.fix(() -> elb.modifyTargetGroup(r -> r.targetGroupArn(actual.targetGroupArn())
                    .healthCheckPath(desired.path())
                    .healthCheckIntervalSeconds(desired.intervalSeconds())
                    .healthCheckTimeoutSeconds(desired.timeoutSeconds())
                    .healthyThresholdCount(desired.healthyThreshold())
                    .unhealthyThresholdCount(desired.unhealthyThreshold())
                    .matcher(m -> m.httpCode(desired.matcher()))));
        }
    }

    private static void compareTargetGroupAttributes(ElasticLoadBalancingV2Client elb, String arn,
                                                     dev.preflight.topology.TargetGroup tg, Differences differences) {
        Map<String, String> actual = elb.describeTargetGroupAttributes(r -> r.targetGroupArn(arn)).attributes().stream()
                .collect(Collectors.toMap(TargetGroupAttribute::key, a -> a.value() == null ? "" : a.value(), (a, b) -> b));
        Map<String, String> desired = new LinkedHashMap<>();
        desired.put(DEREGISTRATION_DELAY, String.valueOf(tg.deregistrationDelaySeconds()));
        desired.put(ALGORITHM, tg.algorithm());
        List<TargetGroupAttribute> changed = desired.entrySet().stream()
                .filter(e -> differences.check(e.getKey(), actual.get(e.getKey()), e.getValue()))
                .map(e -> tgAttribute(e.getKey(), e.getValue()))
                .toList();
        if (!changed.isEmpty()) {
            differences.fix(() -> elb.modifyTargetGroupAttributes(r -> r.targetGroupArn(arn).attributes(changed)));
        }
    }

    // ---- the load balancer -------------------------------------------------------------------------

    private void reconcileLoadBalancer(ProvisionContext ctx, dev.preflight.topology.LoadBalancer lb) {
        ElasticLoadBalancingV2Client elb = ctx.aws().elb();
        String awsName = ctx.naming().elbName(lb.name());
        List<String> subnets = lb.subnets().stream().map(s -> output(ctx, "subnet", s)).toList();
        List<String> securityGroups = lb.securityGroups().stream().map(g -> output(ctx, "securityGroup", g)).toList();
        String idleTimeout = String.valueOf(lb.idleTimeoutSeconds());
        Optional<LoadBalancer> found = findLoadBalancer(elb, awsName);
        if (found.isEmpty()) {
            ctx.create(albResource(ctx, lb.name()), () -> {
                LoadBalancer created = elb.createLoadBalancer(r -> r.name(awsName).type(LoadBalancerTypeEnum.APPLICATION)
                        .scheme(LoadBalancerSchemeEnum.INTERNET_FACING).subnets(subnets).securityGroups(securityGroups)
                        .tags(tags(ctx, awsName))).loadBalancers().get(0);
                setIdleTimeout(elb, created.loadBalancerArn(), idleTimeout);
                remember(ctx, lb.name(), created);
            });
            return;
        }
        LoadBalancer actual = found.get();
        remember(ctx, lb.name(), actual);
        if (actual.type() != LoadBalancerTypeEnum.APPLICATION || actual.scheme() != LoadBalancerSchemeEnum.INTERNET_FACING) {
            throw new ProvisionException("Load balancer '" + awsName + "' exists as " + actual.type() + "/" + actual.scheme()
                    + ", not application/internet-facing; this cannot be changed in place: delete it and apply again");
        }
        Differences differences = new Differences();
        String arn = actual.loadBalancerArn();
        List<String> actualSubnets = actual.availabilityZones().stream().map(AvailabilityZone::subnetId).toList();
        if (differences.check("subnets", Set.copyOf(actualSubnets), Set.copyOf(subnets))) {
            differences.fix(() -> elb.setSubnets(r -> r.loadBalancerArn(arn).subnets(subnets)));
        }
        if (differences.check("security groups", Set.copyOf(actual.securityGroups()), Set.copyOf(securityGroups))) {
            differences.fix(() -> elb.setSecurityGroups(r -> r.loadBalancerArn(arn).securityGroups(securityGroups)));
        }
        // moto lists idle_timeout.timeout_seconds only once it was set; absent counts as different.
        String actualIdle = elb.describeLoadBalancerAttributes(r -> r.loadBalancerArn(arn)).attributes().stream()
                .filter(a -> a.key().equals(IDLE_TIMEOUT)).map(LoadBalancerAttribute::value).findFirst().orElse(null);
        if (differences.check("idle timeout", actualIdle, idleTimeout)) {
            differences.fix(() -> setIdleTimeout(elb, arn, idleTimeout));
        }
        differences.report(ctx, albResource(ctx, lb.name()));
    }

    private static void setIdleTimeout(ElasticLoadBalancingV2Client elb, String arn, String seconds) {
        elb.modifyLoadBalancerAttributes(r -> r.loadBalancerArn(arn)
                .attributes(LoadBalancerAttribute.builder().key(IDLE_TIMEOUT).value(seconds).build()));
    }

    private static void remember(ProvisionContext ctx, String name, LoadBalancer lb) {
        ctx.outputs().put("loadBalancer", name, lb.loadBalancerArn());
        ctx.outputs().put("loadBalancerDns", name, lb.dnsName());
    }

    // ---- listener and rules ------------------------------------------------------------------------

    private void reconcileListener(ProvisionContext ctx, dev.preflight.topology.LoadBalancer lb) {
        ElasticLoadBalancingV2Client elb = ctx.aws().elb();
        dev.preflight.topology.LoadBalancer.Listener desired = lb.listener();
        String resource = listenerResource(ctx, lb.name(), desired.port());
        String lbArn = output(ctx, "loadBalancer", lb.name());
        String defaultTg = output(ctx, "targetGroup", desired.defaultTargetGroup());
        List<Listener> listeners = known(lbArn)
                ? elb.describeListeners(r -> r.loadBalancerArn(lbArn)).listeners() : List.of();
        for (Listener extra : listeners) {
            if (!Objects.equals(extra.port(), desired.port())) {
                deleteListener(ctx, lb.name(), extra);
            }
        }
        Optional<Listener> found = listeners.stream().filter(l -> Objects.equals(l.port(), desired.port())).findFirst();
        if (found.isEmpty()) {
            ctx.outputs().remove("listener", lb.name());
            ctx.create(resource, () -> {
                Listener created = elb.createListener(r -> r.loadBalancerArn(lbArn).protocol(desired.protocol())
                        .port(desired.port()).defaultActions(forward(defaultTg))).listeners().get(0);
                ctx.outputs().put("listener", lb.name(), created.listenerArn());
            });
        } else {
            Listener actual = found.get();
            ctx.outputs().put("listener", lb.name(), actual.listenerArn());
            Differences differences = new Differences();
            boolean differs = differences.check("protocol", actual.protocolAsString(), desired.protocol())
                    | differences.check("default target group", forwardTarget(actual.defaultActions()), defaultTg);
            if (differs) {
                differences.fix(() -> elb.modifyListener(r -> r.listenerArn(actual.listenerArn())
                        .protocol(desired.protocol()).defaultActions(forward(defaultTg))));
            }
            differences.report(ctx, resource);
        }
        reconcileRules(ctx, lb);
    }

    private void reconcileRules(ProvisionContext ctx, dev.preflight.topology.LoadBalancer lb) {
        ElasticLoadBalancingV2Client elb = ctx.aws().elb();
        Optional<String> listenerArn = ctx.outputs().get("listener", lb.name());
        Map<Integer, Rule> actual = new TreeMap<>();
        if (listenerArn.isPresent()) {
            for (Rule rule : elb.describeRules(r -> r.listenerArn(listenerArn.get())).rules()) {
                if (!Boolean.TRUE.equals(rule.isDefault())) {
                    actual.put(Integer.valueOf(rule.priority()), rule);
                }
            }
        }
        for (ListenerRule desired : lb.listener().rules()) {
            String resource = ruleResource(ctx, lb.name(), desired.priority());
            String tgArn = output(ctx, "targetGroup", desired.targetGroup());
            List<RuleCondition> conditions = conditions(desired);
            Rule existing = actual.remove(desired.priority());
            if (existing == null) {
                ctx.create(resource, () -> elb.createRule(r -> r.listenerArn(ctx.outputs().require("listener", lb.name()))
                        .priority(desired.priority()).conditions(conditions).actions(forward(tgArn))));
                continue;
            }
            Differences differences = new Differences();
            boolean differs = differences.check("conditions", conditionValues(existing.conditions()), conditionValues(conditions))
                    | differences.check("target group", forwardTarget(existing.actions()), tgArn);
            if (differs) {
                differences.fix(() -> elb.modifyRule(r -> r.ruleArn(existing.ruleArn())
                        .conditions(conditions).actions(forward(tgArn))));
            }
            differences.report(ctx, resource);
        }
        // Rules the topology no longer has.
        actual.forEach((priority, extra) -> ctx.delete(ruleResource(ctx, lb.name(), priority),
                () -> elb.deleteRule(r -> r.ruleArn(extra.ruleArn()))));
    }

    private static List<RuleCondition> conditions(ListenerRule rule) {
        List<RuleCondition> conditions = new java.util.ArrayList<>();
        if (!rule.pathPatterns().isEmpty()) {
            conditions.add(RuleCondition.builder().field(PATH_PATTERN)
                    .pathPatternConfig(c -> c.values(rule.pathPatterns())).build());
        }
        if (!rule.hostHeaders().isEmpty()) {
            conditions.add(RuleCondition.builder().field(HOST_HEADER)
                    .hostHeaderConfig(c -> c.values(rule.hostHeaders())).build());
        }
        return conditions;
    }

    /** Conditions as field to values; reads the typed configs and falls back to the legacy Values list. */
    static Map<String, Set<String>> conditionValues(List<RuleCondition> conditions) {
        Map<String, Set<String>> values = new TreeMap<>();
        for (RuleCondition c : conditions) {
            List<String> of = c.values();
            if (PATH_PATTERN.equals(c.field()) && c.pathPatternConfig() != null && c.pathPatternConfig().hasValues()) {
                of = c.pathPatternConfig().values();
            } else if (HOST_HEADER.equals(c.field()) && c.hostHeaderConfig() != null && c.hostHeaderConfig().hasValues()) {
                of = c.hostHeaderConfig().values();
            }
            values.computeIfAbsent(c.field(), f -> new java.util.TreeSet<>()).addAll(of);
        }
        return values;
    }

    private static Action forward(String targetGroupArn) {
        return Action.builder().type(ActionTypeEnum.FORWARD).targetGroupArn(targetGroupArn).build();
    }

    /** The one target group a forward action sends to (AWS fills targetGroupArn and/or forwardConfig). */
    static String forwardTarget(List<Action> actions) {
        for (Action a : actions) {
            if (a.type() != ActionTypeEnum.FORWARD) {
                continue;
            }
            if (a.targetGroupArn() != null) {
                return a.targetGroupArn();
            }
            if (a.forwardConfig() != null && a.forwardConfig().targetGroups().size() == 1) {
                return a.forwardConfig().targetGroups().get(0).targetGroupArn();
            }
        }
        return null;
    }

    // ---- destroy helpers ---------------------------------------------------------------------------

    private static void deleteListener(ProvisionContext ctx, String lbName, Listener listener) {
        ElasticLoadBalancingV2Client elb = ctx.aws().elb();
        for (Rule rule : elb.describeRules(r -> r.listenerArn(listener.listenerArn())).rules()) {
            if (!Boolean.TRUE.equals(rule.isDefault())) {
                ctx.delete(ruleResource(ctx, lbName, Integer.valueOf(rule.priority())), () -> {
                    try {
                        elb.deleteRule(r -> r.ruleArn(rule.ruleArn()));
                    } catch (RuleNotFoundException alreadyGone) {
                        // deleted meanwhile: that is what we wanted
                    }
                });
            }
        }
        ctx.delete(listenerResource(ctx, lbName, listener.port()), () -> {
            try {
                elb.deleteListener(r -> r.listenerArn(listener.listenerArn()));
            } catch (ListenerNotFoundException alreadyGone) {
                // deleted meanwhile
            }
        });
    }

    private static void deleteTargetGroup(ElasticLoadBalancingV2Client elb, String arn) {
        long deadline = System.nanoTime() + IN_USE_WAIT.toNanos();
        while (true) {
            try {
                elb.deleteTargetGroup(r -> r.targetGroupArn(arn));
                return;
            } catch (TargetGroupNotFoundException alreadyGone) {
                return;
            } catch (ResourceInUseException stillAttached) {
                if (System.nanoTime() > deadline) {
                    throw stillAttached;
                }
                sleep(Duration.ofSeconds(1));
            }
        }
    }

    // ---- lookups and small helpers -----------------------------------------------------------------

    private static Optional<LoadBalancer> findLoadBalancer(ElasticLoadBalancingV2Client elb, String name) {
        try {
            return elb.describeLoadBalancers(r -> r.names(name)).loadBalancers().stream().findFirst();
        } catch (LoadBalancerNotFoundException missing) {
            return Optional.empty();
        }
    }

    private static Optional<TargetGroup> findTargetGroup(ElasticLoadBalancingV2Client elb, String name) {
        try {
            return elb.describeTargetGroups(r -> r.names(name)).targetGroups().stream().findFirst();
        } catch (TargetGroupNotFoundException missing) {
            return Optional.empty();
        }
    }

    private static TargetGroupAttribute tgAttribute(String key, String value) {
        return TargetGroupAttribute.builder().key(key).value(value).build();
    }

    private static List<Tag> tags(ProvisionContext ctx, String name) {
        return ctx.tags(name).entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
    }

    private static String albResource(ProvisionContext ctx, String name) {
        return "load balancer " + ctx.naming().elbName(name);
    }

    private static String tgResource(ProvisionContext ctx, String name) {
        return "target group " + ctx.naming().elbName(name);
    }

    private static String listenerResource(ProvisionContext ctx, String lbName, Integer port) {
        return "listener " + ctx.naming().elbName(lbName) + ":" + port;
    }

    private static String ruleResource(ProvisionContext ctx, String lbName, Integer priority) {
        return "listener rule " + ctx.naming().elbName(lbName) + " priority " + priority;
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ProvisionException("Interrupted while waiting for the load balancer to release its target groups");
        }
    }
}
