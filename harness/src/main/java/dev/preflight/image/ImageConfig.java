package dev.preflight.image;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What a Docker image config says about how to run the image, as a Dockerfile's final stage sets it:
 * {@code ENTRYPOINT} and {@code CMD} (exec form; a shell form is already {@code /bin/sh -c ...}),
 * {@code ENV} (with the release's APP_VERSION and the switches of a "bad release" on top),
 * {@code WORKDIR}, {@code USER}, {@code EXPOSE}, {@code HEALTHCHECK}, {@code STOPSIGNAL} and {@code LABEL}.
 *
 * <p>Maps and port lists are kept sorted so equal configs serialize, and so digest, the same.
 *
 * @param workingDir absolute in the image; "/" when the Dockerfile sets none
 * @param user       recorded as the image says it; a process task runs as this machine's user
 * @param healthCheck null when the Dockerfile has none; ECS acts only on the task definition's (docs/aws-behaviour.md section 7)
 * @param stopSignal null when the Dockerfile has none (SIGTERM)
 */
public record ImageConfig(List<String> entrypoint, List<String> cmd, Map<String, String> env, String workingDir, String user,
                          List<String> exposedPorts, HealthCheck healthCheck, String stopSignal, Map<String, String> labels) {

    /**
     * Docker's HEALTHCHECK: {@code test} is {@code [NONE]}, {@code [CMD, arg...]} or {@code [CMD-SHELL, command]};
     * a null duration or retries means Docker's default.
     */
    public record HealthCheck(List<String> test, Duration interval, Duration timeout, Duration startPeriod,
                              Duration startInterval, Integer retries) {
        public HealthCheck {
            test = List.copyOf(test);
        }
    }

    public ImageConfig {
        entrypoint = entrypoint == null ? List.of() : List.copyOf(entrypoint);
        cmd = cmd == null ? List.of() : List.copyOf(cmd);
        env = sorted(env, "env");
        workingDir = workingDir == null || workingDir.isEmpty() ? "/" : workingDir;
        if (!workingDir.startsWith("/")) {
            throw new IllegalArgumentException("Image working folder '" + workingDir + "' is not absolute");
        }
        user = user == null || user.isEmpty() ? null : user;
        exposedPorts = exposedPorts == null ? List.of() : List.copyOf(new TreeSet<>(exposedPorts));
        stopSignal = stopSignal == null || stopSignal.isEmpty() ? null : stopSignal;
        labels = sorted(labels, "labels");
        env.keySet().forEach(name -> {
            if (name.isEmpty() || name.contains("=")) {
                throw new IllegalArgumentException("Image env name '" + name + "' is not a valid variable name (empty or contains '=')");
            }
        });
    }

    /** A config that runs {@code command} in the image's root with this environment, and says nothing else. */
    public static ImageConfig of(List<String> command, Map<String, String> env) {
        return new ImageConfig(command, List.of(), env, "/", null, List.of(), null, null, Map.of());
    }

    /** What the container runs: the entrypoint followed by the command, as Docker joins them. */
    public List<String> command() {
        List<String> all = new ArrayList<>(entrypoint);
        all.addAll(cmd);
        return List.copyOf(all);
    }

    /** The same image with these variables set on top (a "bad release" is a release with a switch on). */
    public ImageConfig withEnv(Map<String, String> more) {
        Map<String, String> merged = new LinkedHashMap<>(env);
        merged.putAll(more);
        return new ImageConfig(entrypoint, cmd, merged, workingDir, user, exposedPorts, healthCheck, stopSignal, labels);
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
