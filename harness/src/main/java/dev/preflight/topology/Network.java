package dev.preflight.topology;

import java.util.Map;

public record Network(Vpc vpc, Map<String, Subnet> subnets, Map<String, SecurityGroup> securityGroups) {
    public Network {
        subnets = Maps.copy(subnets);
        securityGroups = Maps.copy(securityGroups);
    }
}
