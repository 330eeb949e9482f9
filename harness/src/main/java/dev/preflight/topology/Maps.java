package dev.preflight.topology;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Immutable copies that keep the YAML's order, so plans and reports list resources as declared. */
final class Maps {
    private Maps() {
    }

    static <V> Map<String, V> copy(Map<String, V> map) {
        return map == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(map));
    }

    static <V> List<V> copy(List<V> list) {
        return list == null ? List.of() : List.copyOf(list);
    }
}
