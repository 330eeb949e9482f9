package dev.preflight.topology;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The validation rules of network, subnets and security groups: CIDRs inside the VPC, zones, ingress rules. */
final class NetworkRules extends ValidationRules {
    NetworkRules(ValidationRules context) {
        super(context);
    }

    void network() {
        Network network = topology.network();
        if (network == null) {
            problem("network", "is missing", "declare network.vpc.cidr, network.subnets and network.securityGroups");
            return;
        }
        Cidr vpc = null;
        if (network.vpc() == null) {
            problem("network.vpc", "is missing", "declare the VPC, e.g. 'vpc: { cidr: 10.0.0.0/16 }'");
        } else if (required(network.vpc().cidr(), "network.vpc.cidr", "give the VPC a CIDR block, e.g. 10.0.0.0/16")) {
            vpc = blockCidr("network.vpc.cidr", network.vpc().cidr(), "10.0.0.0/16");
        }
        if (network.subnets().isEmpty()) {
            problem("network.subnets", "no subnets are declared",
                    "declare subnets in at least two availability zones, e.g. 'private-a: { cidr: 10.0.1.0/24, availabilityZone: "
                            + region() + "a }'");
        }
        Map<String, Cidr> subnetCidrs = new LinkedHashMap<>();
        for (Map.Entry<String, Subnet> entry : present(network.subnets(), "network.subnets")) {
            String path = "network.subnets." + entry.getKey();
            name(path, entry.getKey(), "subnet");
            Subnet subnet = entry.getValue();
            if (required(subnet.cidr(), path + ".cidr", "give the subnet a CIDR block inside the VPC's, e.g. 10.0.1.0/24")) {
                Cidr cidr = blockCidr(path + ".cidr", subnet.cidr(), "10.0.1.0/24");
                if (cidr != null) {
                    subnetCidrs.put(entry.getKey(), cidr);
                    if (vpc != null && !vpc.contains(cidr)) {
                        problem(path + ".cidr", "subnet '" + entry.getKey() + "' (" + cidr
                                        + ") is not inside the VPC CIDR " + vpc,
                                "choose a block inside " + vpc + " or widen network.vpc.cidr", "network.vpc.cidr");
                    }
                }
            }
            if (required(subnet.availabilityZone(), path + ".availabilityZone",
                    "name the subnet's availability zone, e.g. " + region() + "a")
                    && topology.region() != null
                    && !subnet.availabilityZone().matches(Pattern.quote(topology.region()) + "[a-z]")) {
                problem(path + ".availabilityZone", "availability zone '" + subnet.availabilityZone()
                                + "' is not in region " + topology.region(),
                        "use a zone of " + topology.region() + ", e.g. " + topology.region() + "a or "
                                + topology.region() + "b", "region");
            }
        }
        List<String> names = new ArrayList<>(subnetCidrs.keySet());
        for (int i = 0; i < names.size(); i++) {
            for (int j = i + 1; j < names.size(); j++) {
                Cidr a = subnetCidrs.get(names.get(i));
                Cidr b = subnetCidrs.get(names.get(j));
                if (a.overlaps(b)) {
                    String path = "network.subnets." + names.get(j) + ".cidr";
                    problem(path, "subnets '" + names.get(i) + "' (" + a + ") and '" + names.get(j) + "' (" + b
                                    + ") overlap",
                            "give each subnet its own block inside the VPC CIDR",
                            "network.subnets." + names.get(i) + ".cidr");
                }
            }
        }
        for (Map.Entry<String, SecurityGroup> entry : present(network.securityGroups(), "network.securityGroups")) {
            securityGroup("network.securityGroups." + entry.getKey(), entry.getKey(), entry.getValue());
        }
    }

    private void securityGroup(String path, String name, SecurityGroup group) {
        name(path, name, "security group");
        for (int i = 0; i < group.ingress().size(); i++) {
            IngressRule rule = group.ingress().get(i);
            String rulePath = path + ".ingress[" + i + "]";
            if (rule == null) {
                problem(rulePath, "is empty", "write a rule such as '{ protocol: tcp, port: 8080, source: alb }'");
                continue;
            }
            if (!List.of("tcp", "udp").contains(rule.protocol())) {
                problem(rulePath + ".protocol", "protocol '" + rule.protocol() + "' is not supported",
                        "use tcp or udp");
            }
            if (required(rule.port(), rulePath + ".port", "name the port the rule opens, e.g. 'port: 8080'")) {
                port(rulePath + ".port", rule.port());
            }
            if ((rule.cidr() == null) == (rule.source() == null)) {
                problem(rulePath, rule.cidr() == null ? "the rule names neither cidr nor source"
                                : "the rule names both cidr and source",
                        "give exactly one of 'cidr' (e.g. 0.0.0.0/0) or 'source' (another security group)");
            }
            if (rule.cidr() != null) {
                cidr(rulePath + ".cidr", rule.cidr(), 0, 32, "0.0.0.0/0");
            }
            if (rule.source() != null) {
                reference(rulePath + ".source", rule.source(), "security group", securityGroups(),
                        "network.securityGroups");
            }
        }
    }
}
