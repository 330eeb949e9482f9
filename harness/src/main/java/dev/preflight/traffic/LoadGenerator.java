package dev.preflight.traffic;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;

/**
 * Starts open-model load (a constant arrival rate) against a local endpoint. Only loopback
 * addresses are accepted: the harness never sends load off the machine.
 *
 * <pre>{@code
 * try (LoadRun run = LoadGenerator.start(alb.uri(), LoadProfile.of(100, Duration.ofSeconds(10)))) {
 *     deployment.roll();
 *     LoadSummary summary = run.awaitCompletion(Duration.ofSeconds(60)).summary();
 * }
 * }</pre>
 */
public final class LoadGenerator {
    private LoadGenerator() {
    }

    /** Starts sending at once; the run ends by itself after the profile's duration. Versions come from the response header. */
    public static LoadRun start(URI base, LoadProfile profile) {
        return start(base, profile, Responders.NONE);
    }

    /** As {@link #start(URI, LoadProfile)}, with each record's target and version asked of {@code responders}. */
    public static LoadRun start(URI base, LoadProfile profile, Responders responders) {
        if (profile == null) {
            throw new IllegalArgumentException("profile must not be null");
        }
        URI target = target(base, profile.path());
        return new LoadRun(LoadClient.start(target, profile), profile, responders == null ? Responders.NONE : responders);
    }

    static URI target(URI base, String path) {
        if (base == null || !"http".equalsIgnoreCase(base.getScheme()) || base.getHost() == null) {
            throw new IllegalArgumentException("base must be an http URI such as http://127.0.0.1:8080, got " + base);
        }
        if (base.getRawQuery() != null || base.getRawFragment() != null) {
            throw new IllegalArgumentException("base must not have a query or fragment (put them in the profile's path), got "
                    + base);
        }
        if (!isLoopback(base.getHost())) {
            throw new IllegalArgumentException("load is only sent to loopback addresses (127.0.0.1, ::1, localhost), got "
                    + base.getHost() + " in " + base);
        }
        String prefix = base.toString();
        while (prefix.endsWith("/")) {
            prefix = prefix.substring(0, prefix.length() - 1);
        }
        return URI.create(prefix + path);
    }

    private static boolean isLoopback(String host) {
        try {
            for (InetAddress address : InetAddress.getAllByName(host)) {
                if (!address.isLoopbackAddress()) {
                    return false;
                }
            }
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
