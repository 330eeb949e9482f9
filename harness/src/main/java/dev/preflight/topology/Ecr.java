package dev.preflight.topology;

import java.util.Map;

public record Ecr(Map<String, EcrRepository> repositories) {
    public Ecr {
        repositories = Maps.copy(repositories);
    }
}
