package dev.preflight.topology;

import java.util.Map;

public record Iam(Map<String, Role> roles) {
    public Iam {
        roles = Maps.copy(roles);
    }
}
