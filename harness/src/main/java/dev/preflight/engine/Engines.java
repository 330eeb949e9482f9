package dev.preflight.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The three backing services of a run, started together and stopped together (in reverse order),
 * also on failure and on Ctrl-C. {@link #shared()} gives one set per JVM.
 */
public final class Engines implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Engines.class);
    private static Engines shared;

    private final EngineKind kind;
    private final AwsEngine aws;
    private final PostgresEngine postgres;
    private final RedisEngine redis;
    private final ProcessLedger ledger;
    private final Path runDir;
    /** The containers run's network (engines and task containers), or null. */
    private ContainerNetwork network;
    private Thread shutdownHook;
    private boolean started;
    /** The fault proxies tasks reach PostgreSQL and Redis through (embedded engines with process tasks), or null. */
    private dev.preflight.faults.EngineFaults faults;
    /** Files the engine libraries leave in the temp folder, deleted only by a clean JVM exit (deleteOnExit). */
    private final List<Path> libraryTempFiles = new ArrayList<>();

    Engines(EngineKind kind, AwsEngine aws, PostgresEngine postgres, RedisEngine redis, ProcessLedger ledger, Path runDir) {
        this.kind = kind;
        this.aws = aws;
        this.postgres = postgres;
        this.redis = redis;
        this.ledger = ledger;
        this.runDir = runDir;
    }

    Engines withNetwork(ContainerNetwork network) {
        this.network = network;
        return this;
    }

    /** The Docker network the engines are on (the containers engines only). */
    public Optional<ContainerNetwork> network() {
        return Optional.ofNullable(network);
    }

    /** The engines of this JVM, started on first use and stopped when the JVM exits. */
    public static synchronized Engines shared() {
        return shared(EngineVersions.NONE);
    }

    /** As {@link #shared()}, the containers engines' images following the declared versions (the first call decides). */
    public static synchronized Engines shared(EngineVersions versions) {
        if (shared == null || !shared.started) {
            shared = create(EngineSettings.fromSystem(), versions);
            shared.start();
        }
        return shared;
    }

    /**
     * Builds (without starting) the engines the settings choose. Reaps what crashed runs left first,
     * so a new run never trips over an old one.
     */
    public static Engines create(EngineSettings settings) {
        return create(settings, EngineVersions.NONE);
    }

    /** As {@link #create(EngineSettings)}, the containers engines' images following the declared versions. */
    public static Engines create(EngineSettings settings, EngineVersions versions) {
        EngineKind kind = settings.kind();
        ProcessLedger ledger = ProcessLedger.standard();
        int reaped = ledger.reapOrphans();
        if (reaped > 0) {
            LOG.warn("Stopped {} process(es) left by an earlier run that was killed", reaped);
        }
        Path runDir;
        try {
            runDir = Files.createTempDirectory("preflight-run-");
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the run folder", e);
        }
        ledger.trackDirectory(runDir);
        return EngineFactory.build(kind, settings, versions, ledger, runDir);
    }

    /**
     * For a caller that closes the engines itself, also on Ctrl-C (its own shutdown hook waits for
     * that): without this the engines' hook would stop them while the caller still destroys what it
     * provisioned on them. Call after {@link #start()}.
     */
    public synchronized Engines closedByCaller() {
        if (shutdownHook != null) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException ignored) {
                // the JVM is already shutting down
            }
            shutdownHook = null;
        }
        return this;
    }

    public synchronized Engines start() {
        if (started) {
            return this;
        }
        shutdownHook = new Thread(this::closeQuietly, "preflight-engines-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        java.util.Set<Path> tempBefore = libraryTempFiles();
        try {
            // Start the three side by side: each spends most of its time waiting for a process.
            CompletableFuture.allOf(
                    CompletableFuture.runAsync(aws::start),
                    CompletableFuture.runAsync(postgres::start),
                    CompletableFuture.runAsync(redis::start)).join();
        } catch (CompletionException e) {
            close();
            throw e.getCause() instanceof RuntimeException r ? r : new EngineException(e.getMessage(), e);
        }
        // Recorded so that a run killed with SIGKILL leaves none behind: the next run removes them.
        for (Path file : libraryTempFiles()) {
            if (!tempBefore.contains(file)) {
                libraryTempFiles.add(file);
                ledger.trackDirectory(file);
            }
        }
        if (kind == EngineKind.EMBEDDED && !EngineSettings.fromSystem().containerTasks()) {
            try {
                faults = dev.preflight.faults.EngineFaults.start(postgres.host(), postgres.port(), redis.host(), redis.port());
            } catch (RuntimeException e) {
                close();
                throw e;
            }
        }
        started = true;
        return this;
    }

    /**
     * The fault proxies in front of PostgreSQL and Redis, where tasks reach the engines through them
     * (embedded engines and process tasks; container tasks reach the engines on the Docker network).
     */
    public Optional<dev.preflight.faults.EngineFaults> faults() {
        return Optional.ofNullable(faults);
    }

    /** The PostgreSQL address an environment gives its tasks (in its database secrets): the fault proxy's where there is one. */
    public String postgresHostForTasks() {
        return faults == null ? postgres.host() : faults.postgres().host();
    }

    public int postgresPortForTasks() {
        return faults == null ? postgres.port() : faults.postgres().port();
    }

    /** The Redis URL an environment gives its tasks ({@code ${elasticache.<id>.url}}): through the fault proxy where there is one. */
    public String redisUrlForTasks(int database) {
        return faults == null ? redis.url(database) : "redis://" + faults.redis().host() + ":" + faults.redis().port() + "/" + database;
    }

    /** Redis's generated config and zonky's distribution probe, in java.io.tmpdir. */
    private static java.util.Set<Path> libraryTempFiles() {
        Path tmp = Path.of(System.getProperty("java.io.tmpdir"));
        try (java.util.stream.Stream<Path> files = Files.list(tmp)) {
            return files.filter(p -> {
                String name = p.getFileName().toString();
                return name.startsWith("embedded-redis-server_") && name.endsWith(".conf")
                        || name.startsWith("detect_linux_distribution_") && name.endsWith(".sh");
            }).collect(java.util.stream.Collectors.toSet());
        } catch (IOException e) {
            return java.util.Set.of();
        }
    }

    public EngineKind kind() {
        return kind;
    }

    public AwsEngine aws() {
        return aws;
    }

    public PostgresEngine postgres() {
        return postgres;
    }

    public RedisEngine redis() {
        return redis;
    }

    /** The run folder: logs and data of this run; deleted on close. */
    public Path runDir() {
        return runDir;
    }

    public ProcessLedger ledger() {
        return ledger;
    }

    public List<String> describe() {
        return List.of("aws: " + aws.description(), "postgres: " + postgres.description(), "redis: " + redis.description());
    }

    @Override
    public synchronized void close() {
        List<RuntimeException> failures = new ArrayList<>();
        if (faults != null) {
            try {
                faults.close();
            } catch (RuntimeException e) {
                failures.add(e);
            }
            faults = null;
        }
        for (Engine engine : List.<Engine>of(redis, postgres, aws)) {
            try {
                engine.close();
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        if (network != null) {
            try {
                network.close(); // after the engines: a network with containers on it cannot go
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        ProcessLedger.deleteTree(runDir);
        ledger.forgetDirectory(runDir);
        for (Path file : libraryTempFiles) {
            ProcessLedger.deleteTree(file);
            ledger.forgetDirectory(file);
        }
        libraryTempFiles.clear();
        if (failures.isEmpty()) {
            ledger.clear();
        }
        started = false;
        if (shutdownHook != null && Thread.currentThread() != shutdownHook) {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException ignored) {
                // the JVM is already shutting down
            }
        }
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (RuntimeException e) {
            System.err.println("preflight: cleanup failed: " + e.getMessage());
        }
    }
}
