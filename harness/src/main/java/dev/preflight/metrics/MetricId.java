package dev.preflight.metrics;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A CloudWatch metric: namespace, name and dimensions, as AWS names them (e.g. {@code AWS/ECS}
 * {@code CPUUtilization} with {@code ClusterName} and {@code ServiceName}). Dimensions keep their order.
 */
public record MetricId(String namespace, String name, Map<String, String> dimensions) {
    public MetricId {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
        dimensions = dimensions == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(dimensions));
    }

    public static MetricId of(String namespace, String name, String... dimensionNamesAndValues) {
        if (dimensionNamesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("dimensions come as name, value pairs: " + String.join(", ", dimensionNamesAndValues));
        }
        Map<String, String> dimensions = new LinkedHashMap<>();
        for (int i = 0; i < dimensionNamesAndValues.length; i += 2) {
            dimensions.put(dimensionNamesAndValues[i], dimensionNamesAndValues[i + 1]);
        }
        return new MetricId(namespace, name, dimensions);
    }

    /** {@code AWS/ECS CPUUtilization{ClusterName=shop-dev-main, ServiceName=shop-dev-api}}. */
    @Override
    public String toString() {
        return namespace + " " + name + dimensions.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(", ", "{", "}"));
    }
}
