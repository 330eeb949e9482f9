package dev.preflight.check;

import java.time.Duration;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the dynamic checks measured and the static rules judge afterwards, per service: how long the
 * proposed image took to start (task start to its first healthy target), how long its old tasks took
 * to shut down after the stop signal (and whether stopTimeout cut one off), the p99 latency under load,
 * and the health-check probe of a proposed task. Thread-safe: checks of different services write at once.
 */
final class Measurements {
    record Shutdown(Duration took, Integer exitCode, String containerReason) {
        boolean killedAtStopTimeout() {
            return containerReason != null && exitCode != null && exitCode == 137;
        }
    }

    record Probe(String url, int status, boolean matches) {
    }

    private final Map<String, List<Duration>> startups = new ConcurrentHashMap<>();
    private final Map<String, List<Shutdown>> shutdowns = new ConcurrentHashMap<>();
    private final Map<String, Double> p99Millis = new ConcurrentHashMap<>();
    private final Map<String, Probe> healthProbes = new ConcurrentHashMap<>();

    void startup(String service, Duration took) {
        startups.computeIfAbsent(service, s -> new CopyOnWriteArrayList<>()).add(took);
    }

    void shutdown(String service, Shutdown shutdown) {
        shutdowns.computeIfAbsent(service, s -> new CopyOnWriteArrayList<>()).add(shutdown);
    }

    void p99(String service, double millis) {
        p99Millis.merge(service, millis, Math::max);
    }

    void healthProbe(String service, Probe probe) {
        healthProbes.put(service, probe);
    }

    Optional<Duration> longestStartup(String service) {
        return startups.getOrDefault(service, List.of()).stream().max(Duration::compareTo);
    }

    List<Shutdown> shutdowns(String service) {
        return List.copyOf(shutdowns.getOrDefault(service, List.of()));
    }

    Optional<Double> p99(String service) {
        return Optional.ofNullable(p99Millis.get(service));
    }

    Optional<Probe> healthProbe(String service) {
        return Optional.ofNullable(healthProbes.get(service));
    }
}
