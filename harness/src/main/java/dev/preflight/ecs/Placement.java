package dev.preflight.ecs;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where a service's next task goes, as Fargate places awsvpc tasks: spread across the Availability
 * Zones of the service's subnets (the zone with the fewest of its active tasks first), never in a zone
 * that is unavailable; the task's private IP comes from the chosen subnet (the target group knows it by
 * that address).
 */
final class Placement {
    /** One subnet of the service: its topology name, CIDR and zone. */
    record Subnet(String name, String cidr, String zone) {
    }

    /** Where a task was placed. */
    record Placed(String subnet, String zone, String privateIp) {
    }

    /** The zones of this runtime that are down: shared by every service's placement. */
    static final class Zones {
        private final Set<String> unavailable = ConcurrentHashMap.newKeySet();

        void lose(String zone) {
            unavailable.add(zone);
        }

        void restore(String zone) {
            unavailable.remove(zone);
        }

        boolean available(String zone) {
            return !unavailable.contains(zone);
        }
    }

    private final List<Subnet> subnets;
    private final Zones zones;
    private final Map<String, AtomicLong> next = new ConcurrentHashMap<>();

    Placement(List<Subnet> subnets, Zones zones) {
        this.subnets = List.copyOf(subnets);
        this.zones = zones;
    }

    /** A subnet in an available zone with the fewest of {@code active}, or empty when no zone of the service is available. */
    Optional<Placed> place(Collection<EcsTask> active) {
        if (subnets.isEmpty()) {
            return Optional.of(new Placed(null, null, ip("10.0.0.0/24")));
        }
        List<Subnet> candidates = new ArrayList<>(subnets.stream().filter(s -> zones.available(s.zone())).toList());
        if (candidates.isEmpty()) {
            return Optional.empty();
        }
        candidates.sort(Comparator.comparingLong(s -> active.stream().filter(t -> s.zone().equals(t.availabilityZone())).count()));
        Subnet chosen = candidates.get(0);
        return Optional.of(new Placed(chosen.name(), chosen.zone(), ip(chosen.cidr())));
    }

    /** The next private IP of a subnet (AWS reserves its first four addresses and the last). */
    private String ip(String cidr) {
        String[] parts = cidr.split("/");
        long base = 0;
        for (String octet : parts[0].split("\\.")) {
            base = base * 256 + Integer.parseInt(octet);
        }
        long size = 1L << (32 - Integer.parseInt(parts[1]));
        long ip = base + 4 + (next.computeIfAbsent(cidr, c -> new AtomicLong()).getAndIncrement() % (size - 5));
        return ((ip >> 24) & 255) + "." + ((ip >> 16) & 255) + "." + ((ip >> 8) & 255) + "." + (ip & 255);
    }

    List<String> zonesOfService() {
        return subnets.stream().map(Subnet::zone).distinct().toList();
    }
}
