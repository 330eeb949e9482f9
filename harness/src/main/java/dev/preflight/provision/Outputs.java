package dev.preflight.provision;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * What provisioning learned about each resource (ids, ARNs, real addresses), keyed
 * {@code kind/name}, e.g. {@code subnet/private-a} or {@code targetGroup/api}. Later resource kinds
 * read the ids of earlier ones from here.
 */
public final class Outputs {
    private final Map<String, String> values = Collections.synchronizedMap(new LinkedHashMap<>());

    public void put(String kind, String name, String value) {
        values.put(kind + "/" + name, value);
    }

    public Optional<String> get(String kind, String name) {
        return Optional.ofNullable(values.get(kind + "/" + name));
    }

    /** For values a later step cannot do without (it runs only after the earlier step created them). */
    public String require(String kind, String name) {
        return get(kind, name).orElseThrow(() -> new IllegalStateException(
                "Provisioning order bug: " + kind + " '" + name + "' is needed but was not created"));
    }

    public void remove(String kind, String name) {
        values.remove(kind + "/" + name);
    }

    public Map<String, String> asMap() {
        synchronized (values) {
            return Map.copyOf(values);
        }
    }
}
