package dev.preflight.topology;

import java.util.Map;

public record Ecs(String cluster, Map<String, EcsService> services) {
    public Ecs {
        services = Maps.copy(services);
    }
}
