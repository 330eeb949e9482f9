package dev.preflight.environment;

import dev.preflight.engine.EngineVersions;
import dev.preflight.topology.CacheCluster;
import dev.preflight.topology.DbInstance;
import dev.preflight.topology.Topology;
import dev.preflight.topology.TopologyLoader;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The engine versions a topology folder declares, for engines that serve all its environments: the
 * highest RDS and ElastiCache engineVersion of any environment. An environment that declares another
 * is told so by its plan (the server's version does not honour its own).
 */
public final class DeclaredEngineVersions {
    private DeclaredEngineVersions() {
    }

    public static EngineVersions of(Path topologyDir) {
        TopologyLoader loader = new TopologyLoader();
        EngineVersions versions = EngineVersions.NONE;
        for (String env : TopologyLoader.environments(topologyDir)) {
            versions = higher(versions, of(loader.load(topologyDir, env)));
        }
        return versions;
    }

    /** The versions one environment declares. */
    public static EngineVersions of(Topology t) {
        return new EngineVersions(
                highest(null, t.rds().values().stream().filter(db -> "postgres".equals(db.engine())).map(DbInstance::engineVersion)),
                highest(null, t.elasticache().values().stream().filter(c -> "redis".equals(c.engine())).map(CacheCluster::engineVersion)));
    }

    private static EngineVersions higher(EngineVersions a, EngineVersions b) {
        return new EngineVersions(highest(a.postgres(), Stream.ofNullable(b.postgres())), highest(a.redis(), Stream.ofNullable(b.redis())));
    }

    /** The versions of the located topology, or none when there is no topology to read (a bad one fails later, with its message). */
    public static EngineVersions ofLocatedTopology() {
        try {
            return of(TopologyLocator.topologyDir());
        } catch (RuntimeException e) {
            return EngineVersions.NONE;
        }
    }

    private static String highest(String current, Stream<String> versions) {
        Comparator<String> byNumbers = Comparator.comparing(DeclaredEngineVersions::numbers, DeclaredEngineVersions::compareNumbers);
        return Stream.concat(Optional.ofNullable(current).stream(), versions.filter(Objects::nonNull)).max(byNumbers).orElse(null);
    }

    private static int[] numbers(String version) {
        return Stream.of(version.split("\\.")).mapToInt(p -> p.chars().allMatch(Character::isDigit) && !p.isEmpty() ? Integer.parseInt(p) : 0).toArray();
    }

    private static int compareNumbers(int[] a, int[] b) {
        for (int i = 0; i < Math.max(a.length, b.length); i++) {
            int c = Integer.compare(i < a.length ? a[i] : 0, i < b.length ? b[i] : 0);
            if (c != 0) {
                return c;
            }
        }
        return 0;
    }
}
