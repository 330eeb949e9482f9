package dev.preflight.topology;

import java.util.List;

public record SecurityGroup(String description, List<IngressRule> ingress) {
    public SecurityGroup {
        description = description == null ? "" : description;
        ingress = Maps.copy(ingress);
    }
}
