package dev.preflight.image;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a Docker image config says about how to run the image: its entrypoint, its environment
 * ({@code ENV}, e.g. APP_VERSION=v2 and the behaviour switches of a "bad release") and its labels.
 *
 * <p>In the entrypoint, {@value #ARTIFACT} stands for the image's artifact (the jar) wherever the
 * task runs, and a first element {@code java} for the JVM the harness runs on. Maps are kept
 * sorted by key so equal configs serialize, and so digest, the same.
 */
public record ImageConfig(List<String> entrypoint, Map<String, String> env, Map<String, String> labels) {
    /** Placeholder for the artifact's path in the entrypoint. */
    public static final String ARTIFACT = "{artifact}";

    /** A small, fast-starting JVM: the sample app is started for every task of every deploy. */
    public static final List<String> JAVA_JAR_ENTRYPOINT = List.of(
            "java", "-XX:TieredStopAtLevel=1", "-Xss512k", "-XX:+UseSerialGC", "-Xmx96m", "-jar", ARTIFACT);

    public ImageConfig {
        if (entrypoint == null || entrypoint.isEmpty()) {
            throw new IllegalArgumentException("An image needs an entrypoint, e.g. " + JAVA_JAR_ENTRYPOINT);
        }
        entrypoint = List.copyOf(entrypoint);
        env = sorted(env, "env");
        labels = sorted(labels, "labels");
        env.keySet().forEach(name -> {
            if (name.isEmpty() || name.contains("=")) {
                throw new IllegalArgumentException("Image env name '" + name + "' is not a valid variable name (empty or contains '=')");
            }
        });
    }

    /** The Java entrypoint above with this environment and no labels. */
    public static ImageConfig javaJar(Map<String, String> env) {
        return new ImageConfig(JAVA_JAR_ENTRYPOINT, env, Map.of());
    }

    /** The same image with these variables set on top (a "bad release" is a release with a switch on). */
    public ImageConfig withEnv(Map<String, String> more) {
        Map<String, String> merged = new LinkedHashMap<>(env);
        merged.putAll(more);
        return new ImageConfig(entrypoint, merged, labels);
    }

    private static Map<String, String> sorted(Map<String, String> map, String what) {
        if (map == null) {
            return Map.of();
        }
        TreeMap<String, String> copy = new TreeMap<>();
        map.forEach((k, v) -> {
            if (k == null || v == null) {
                throw new IllegalArgumentException("Image " + what + " has a null name or value: " + map);
            }
            copy.put(k, v);
        });
        return Collections.unmodifiableMap(copy);
    }
}
