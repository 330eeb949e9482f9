package dev.preflight.topology;

public record LogGroup(Integer retentionInDays) {
}
