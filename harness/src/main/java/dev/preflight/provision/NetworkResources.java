package dev.preflight.provision;

import dev.preflight.topology.IngressRule;
import dev.preflight.topology.Network;
import dev.preflight.topology.SecurityGroup;
import dev.preflight.topology.Subnet;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import software.amazon.awssdk.services.ec2.Ec2Client;
import software.amazon.awssdk.services.ec2.model.AttributeBooleanValue;
import software.amazon.awssdk.services.ec2.model.Filter;
import software.amazon.awssdk.services.ec2.model.InternetGateway;
import software.amazon.awssdk.services.ec2.model.IpPermission;
import software.amazon.awssdk.services.ec2.model.IpRange;
import software.amazon.awssdk.services.ec2.model.ResourceType;
import software.amazon.awssdk.services.ec2.model.RouteTable;
import software.amazon.awssdk.services.ec2.model.Tag;
import software.amazon.awssdk.services.ec2.model.TagSpecification;
import software.amazon.awssdk.services.ec2.model.UserIdGroupPair;
import software.amazon.awssdk.services.ec2.model.Vpc;

/**
 * The VPC with DNS hostnames on (awsvpc tasks need them), public subnets routed through an
 * internet gateway, private subnets, and security groups with exactly the declared ingress.
 */
final class NetworkResources implements ResourceKind {

    @Override
    public String title() {
        return "network";
    }

    @Override
    public void reconcile(ProvisionContext ctx) {
        Network network = ctx.topology().network();
        if (network == null) {
            return;
        }
        Ec2Client ec2 = ctx.aws().ec2();
        String vpcName = ctx.naming().prefix();
        Optional<Vpc> vpc = findVpc(ec2, vpcName);
        if (vpc.isPresent()) {
            if (!vpc.get().cidrBlock().equals(network.vpc().cidr())) {
                throw new ProvisionException("VPC " + vpcName + " has CIDR " + vpc.get().cidrBlock() + " but the topology says "
                        + network.vpc().cidr() + ": a VPC's CIDR cannot change. Fix: destroy the environment and apply again");
            }
            ctx.outputs().put("vpc", "main", vpc.get().vpcId());
            ctx.unchanged("vpc " + vpcName);
        } else {
            ctx.create("vpc " + vpcName, () -> {
                String id = ec2.createVpc(r -> r.cidrBlock(network.vpc().cidr())
                        .tagSpecifications(tags(ctx, ResourceType.VPC, vpcName))).vpc().vpcId();
                ec2.modifyVpcAttribute(r -> r.vpcId(id).enableDnsSupport(AttributeBooleanValue.builder().value(true).build()));
                ec2.modifyVpcAttribute(r -> r.vpcId(id).enableDnsHostnames(AttributeBooleanValue.builder().value(true).build()));
                ctx.outputs().put("vpc", "main", id);
            });
        }
        Optional<String> vpcId = ctx.outputs().get("vpc", "main");
        reconcileInternetGateway(ctx, ec2, vpcId);
        network.subnets().forEach((name, subnet) -> reconcileSubnet(ctx, ec2, vpcId, name, subnet));
        reconcilePublicRoutes(ctx, ec2, vpcId, network);
        Set<String> existing = new HashSet<>();
        network.securityGroups().forEach((name, group) -> {
            if (reconcileGroupExists(ctx, ec2, vpcId, name, group)) {
                existing.add(name);
            }
        });
        network.securityGroups().forEach((name, group) -> reconcileIngress(ctx, ec2, name, group, existing.contains(name)));
    }

    private static Optional<Vpc> findVpc(Ec2Client ec2, String name) {
        return ec2.describeVpcs(r -> r.filters(tagFilter("Name", name))).vpcs().stream().findFirst();
    }

    private void reconcileInternetGateway(ProvisionContext ctx, Ec2Client ec2, Optional<String> vpcId) {
        String name = ctx.naming().of("igw");
        Optional<InternetGateway> igw = vpcId.flatMap(id -> ec2.describeInternetGateways(r -> r.filters(
                Filter.builder().name("attachment.vpc-id").values(id).build())).internetGateways().stream().findFirst());
        if (igw.isPresent()) {
            ctx.outputs().put("internetGateway", "main", igw.get().internetGatewayId());
            ctx.unchanged("internet gateway " + name);
            return;
        }
        ctx.create("internet gateway " + name, () -> {
            String id = ec2.createInternetGateway(r -> r.tagSpecifications(tags(ctx, ResourceType.INTERNET_GATEWAY, name)))
                    .internetGateway().internetGatewayId();
            ec2.attachInternetGateway(r -> r.internetGatewayId(id).vpcId(ctx.outputs().require("vpc", "main")));
            ctx.outputs().put("internetGateway", "main", id);
        });
    }

    private void reconcileSubnet(ProvisionContext ctx, Ec2Client ec2, Optional<String> vpcId, String name, Subnet subnet) {
        String awsName = ctx.naming().of(name);
        Optional<software.amazon.awssdk.services.ec2.model.Subnet> actual = vpcId.flatMap(id -> ec2.describeSubnets(r -> r.filters(
                Filter.builder().name("vpc-id").values(id).build(), tagFilter("Name", awsName))).subnets().stream().findFirst());
        if (actual.isPresent()) {
            if (!actual.get().cidrBlock().equals(subnet.cidr()) || !actual.get().availabilityZone().equals(subnet.availabilityZone())) {
                throw new ProvisionException("Subnet " + awsName + " is " + actual.get().cidrBlock() + " in " + actual.get().availabilityZone()
                        + " but the topology says " + subnet.cidr() + " in " + subnet.availabilityZone()
                        + ": a subnet cannot move. Fix: destroy the environment and apply again");
            }
            ctx.outputs().put("subnet", name, actual.get().subnetId());
            ctx.unchanged("subnet " + awsName);
            return;
        }
        ctx.create("subnet " + awsName, () -> {
            String id = ec2.createSubnet(r -> r.vpcId(ctx.outputs().require("vpc", "main")).cidrBlock(subnet.cidr())
                    .availabilityZone(subnet.availabilityZone())
                    .tagSpecifications(tags(ctx, ResourceType.SUBNET, awsName))).subnet().subnetId();
            ctx.outputs().put("subnet", name, id);
        });
    }

    /** One route table for the public subnets, with the default route to the internet gateway. */
    private void reconcilePublicRoutes(ProvisionContext ctx, Ec2Client ec2, Optional<String> vpcId, Network network) {
        String name = ctx.naming().of("public");
        List<String> publicSubnets = network.subnets().entrySet().stream().filter(e -> e.getValue().isPublic())
                .map(Map.Entry::getKey).toList();
        if (publicSubnets.isEmpty()) {
            return;
        }
        Optional<RouteTable> table = vpcId.flatMap(id -> ec2.describeRouteTables(r -> r.filters(
                Filter.builder().name("vpc-id").values(id).build(), tagFilter("Name", name))).routeTables().stream().findFirst());
        if (table.isPresent()) {
            Set<String> associated = new HashSet<>();
            table.get().associations().forEach(a -> associated.add(a.subnetId()));
            List<String> missing = publicSubnets.stream()
                    .filter(s -> !associated.contains(ctx.outputs().get("subnet", s).orElse("?"))).toList();
            if (missing.isEmpty()) {
                ctx.unchanged("route table " + name);
            } else {
                ctx.update("route table " + name, "associate " + missing, () -> missing.forEach(s ->
                        ec2.associateRouteTable(r -> r.routeTableId(table.get().routeTableId()).subnetId(ctx.outputs().require("subnet", s)))));
            }
            return;
        }
        ctx.create("route table " + name, () -> {
            String id = ec2.createRouteTable(r -> r.vpcId(ctx.outputs().require("vpc", "main"))
                    .tagSpecifications(tags(ctx, ResourceType.ROUTE_TABLE, name))).routeTable().routeTableId();
            ec2.createRoute(r -> r.routeTableId(id).destinationCidrBlock("0.0.0.0/0")
                    .gatewayId(ctx.outputs().require("internetGateway", "main")));
            publicSubnets.forEach(s -> ec2.associateRouteTable(r -> r.routeTableId(id).subnetId(ctx.outputs().require("subnet", s))));
        });
    }

    /** Returns whether the group existed before this run. */
    private boolean reconcileGroupExists(ProvisionContext ctx, Ec2Client ec2, Optional<String> vpcId, String name, SecurityGroup group) {
        String awsName = ctx.naming().of(name);
        Optional<software.amazon.awssdk.services.ec2.model.SecurityGroup> actual = vpcId.flatMap(id -> findGroup(ec2, id, awsName));
        if (actual.isPresent()) {
            ctx.outputs().put("securityGroup", name, actual.get().groupId());
            return true; // its ingress decides whether it is unchanged
        }
        ctx.create("security group " + awsName, () -> {
            String id = ec2.createSecurityGroup(r -> r.vpcId(ctx.outputs().require("vpc", "main")).groupName(awsName)
                    .description(group.description().isEmpty() ? awsName : group.description())
                    .tagSpecifications(tags(ctx, ResourceType.SECURITY_GROUP, awsName))).groupId();
            ctx.outputs().put("securityGroup", name, id);
        });
        return false;
    }

    private static Optional<software.amazon.awssdk.services.ec2.model.SecurityGroup> findGroup(Ec2Client ec2, String vpcId, String name) {
        return ec2.describeSecurityGroups(r -> r.filters(Filter.builder().name("vpc-id").values(vpcId).build(),
                Filter.builder().name("group-name").values(name).build())).securityGroups().stream().findFirst();
    }

    /** Ingress is compared as a set of (protocol, port, cidr or group) and made exactly the declared one. */
    private void reconcileIngress(ProvisionContext ctx, Ec2Client ec2, String name, SecurityGroup group, boolean existed) {
        String awsName = ctx.naming().of(name);
        Optional<String> groupId = ctx.outputs().get("securityGroup", name);
        Set<String> desired = new HashSet<>();
        for (IngressRule rule : group.ingress()) {
            String target = rule.cidr() != null ? rule.cidr() : ctx.outputs().get("securityGroup", rule.source()).orElse("sg:" + rule.source());
            desired.add(rule.protocol() + "|" + rule.port() + "|" + target);
        }
        Set<String> actual = new HashSet<>();
        if (groupId.isPresent()) {
            ec2.describeSecurityGroups(r -> r.groupIds(groupId.get())).securityGroups().forEach(g -> g.ipPermissions().forEach(p -> {
                p.ipRanges().forEach(range -> actual.add(p.ipProtocol() + "|" + p.fromPort() + "|" + range.cidrIp()));
                p.userIdGroupPairs().forEach(pair -> actual.add(p.ipProtocol() + "|" + p.fromPort() + "|" + pair.groupId()));
            }));
        }
        Set<String> toAdd = new HashSet<>(desired);
        toAdd.removeAll(actual);
        Set<String> toRemove = new HashSet<>(actual);
        toRemove.removeAll(desired);
        if (toAdd.isEmpty() && toRemove.isEmpty()) {
            ctx.unchanged("security group " + awsName);
            return;
        }
        Runnable change = () -> {
            String id = ctx.outputs().require("securityGroup", name);
            if (!toRemove.isEmpty()) {
                ec2.revokeSecurityGroupIngress(r -> r.groupId(id).ipPermissions(permissions(ctx, toRemove)));
            }
            if (!toAdd.isEmpty()) {
                ec2.authorizeSecurityGroupIngress(r -> r.groupId(id).ipPermissions(permissions(ctx, resolveSources(ctx, toAdd))));
            }
        };
        if (existed) {
            ctx.update("security group " + awsName, "ingress " + describe(ctx, toAdd, "+") + describe(ctx, toRemove, "-").trim(), change);
        } else if (!ctx.dryRun()) {
            change.run(); // a group created in this run: its rules are part of its creation
        }
    }

    /** Rules as a reader wants them, e.g. "+ tcp 22 from 0.0.0.0/0 " or "- tcp 8080 from security group alb ". */
    private static String describe(ProvisionContext ctx, Set<String> rules, String sign) {
        StringBuilder s = new StringBuilder();
        for (String rule : new java.util.TreeSet<>(rules)) {
            String[] parts = rule.split("\\|");
            String source = parts[2];
            for (Map.Entry<String, String> e : ctx.outputs().asMap().entrySet()) {
                if (e.getValue().equals(source) && e.getKey().startsWith("securityGroup")) {
                    source = "security group " + e.getKey().substring(e.getKey().indexOf('/') + 1);
                }
            }
            s.append(sign).append(' ').append(parts[0]).append(' ').append(parts[1]).append(" from ").append(source).append(' ');
        }
        return s.toString();
    }

    /** Sources named "sg:<name>" were unknown at plan time; by apply time the group exists. */
    private static Set<String> resolveSources(ProvisionContext ctx, Set<String> rules) {
        Set<String> resolved = new HashSet<>();
        for (String rule : rules) {
            String[] parts = rule.split("\\|");
            String target = parts[2].startsWith("sg:") ? ctx.outputs().require("securityGroup", parts[2].substring(3)) : parts[2];
            resolved.add(parts[0] + "|" + parts[1] + "|" + target);
        }
        return resolved;
    }

    private static List<IpPermission> permissions(ProvisionContext ctx, Set<String> rules) {
        return rules.stream().map(rule -> {
            String[] parts = rule.split("\\|");
            int port = Integer.parseInt(parts[1]);
            IpPermission.Builder p = IpPermission.builder().ipProtocol(parts[0]).fromPort(port).toPort(port);
            if (parts[2].startsWith("sg-")) {
                p.userIdGroupPairs(UserIdGroupPair.builder().groupId(parts[2]).build());
            } else {
                p.ipRanges(IpRange.builder().cidrIp(parts[2]).build());
            }
            return p.build();
        }).toList();
    }

    @Override
    public void destroy(ProvisionContext ctx) {
        Network network = ctx.topology().network();
        if (network == null) {
            return;
        }
        Ec2Client ec2 = ctx.aws().ec2();
        Optional<Vpc> vpc = findVpc(ec2, ctx.naming().prefix());
        if (vpc.isEmpty()) {
            return;
        }
        String vpcId = vpc.get().vpcId();
        // Rules that name other groups must go before any group can be deleted.
        for (String name : network.securityGroups().keySet()) {
            findGroup(ec2, vpcId, ctx.naming().of(name)).filter(g -> !g.ipPermissions().isEmpty()).ifPresent(g ->
                    ec2.revokeSecurityGroupIngress(r -> r.groupId(g.groupId()).ipPermissions(g.ipPermissions())));
        }
        for (String name : network.securityGroups().keySet()) {
            findGroup(ec2, vpcId, ctx.naming().of(name)).ifPresent(g ->
                    ctx.delete("security group " + g.groupName(), () -> ec2.deleteSecurityGroup(r -> r.groupId(g.groupId()))));
        }
        ec2.describeRouteTables(r -> r.filters(Filter.builder().name("vpc-id").values(vpcId).build(),
                tagFilter(ProvisionContext.PROJECT_TAG, ctx.topology().project()))).routeTables().forEach(table ->
                ctx.delete("route table " + ctx.naming().of("public"), () -> {
                    table.associations().stream().filter(a -> !Boolean.TRUE.equals(a.main()))
                            .forEach(a -> ec2.disassociateRouteTable(r -> r.associationId(a.routeTableAssociationId())));
                    ec2.deleteRouteTable(r -> r.routeTableId(table.routeTableId()));
                }));
        ec2.describeSubnets(r -> r.filters(Filter.builder().name("vpc-id").values(vpcId).build())).subnets().forEach(subnet ->
                ctx.delete("subnet " + nameTag(subnet.tags()), () -> ec2.deleteSubnet(r -> r.subnetId(subnet.subnetId()))));
        ec2.describeInternetGateways(r -> r.filters(Filter.builder().name("attachment.vpc-id").values(vpcId).build()))
                .internetGateways().forEach(igw -> ctx.delete("internet gateway " + nameTag(igw.tags()), () -> {
                    ec2.detachInternetGateway(r -> r.internetGatewayId(igw.internetGatewayId()).vpcId(vpcId));
                    ec2.deleteInternetGateway(r -> r.internetGatewayId(igw.internetGatewayId()));
                }));
        ctx.delete("vpc " + ctx.naming().prefix(), () -> ec2.deleteVpc(r -> r.vpcId(vpcId)));
        ctx.outputs().remove("vpc", "main");
    }

    private static String nameTag(List<Tag> tags) {
        return tags.stream().filter(t -> t.key().equals("Name")).map(Tag::value).findFirst().orElse("(unnamed)");
    }

    static Filter tagFilter(String key, String value) {
        return Filter.builder().name("tag:" + key).values(value).build();
    }

    private static TagSpecification tags(ProvisionContext ctx, ResourceType type, String name) {
        return TagSpecification.builder().resourceType(type)
                .tags(ctx.tags(name).entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList())
                .build();
    }
}
