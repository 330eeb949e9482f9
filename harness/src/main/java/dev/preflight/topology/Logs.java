package dev.preflight.topology;

import java.util.Map;

public record Logs(Map<String, LogGroup> groups) {
    public Logs {
        groups = Maps.copy(groups);
    }
}
