package dev.preflight.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A record on disk of every process, Docker container and network, and temporary directory this JVM
 * starts, so that a run killed with SIGKILL (where no shutdown hook runs) is cleaned up by the next
 * run: {@link #reapOrphans()} stops the processes, removes the containers and networks and deletes the
 * directories of ledgers whose owning JVM is gone.
 *
 * <p>A process is identified by pid and start time, so a reused pid is never killed by mistake.
 */
public final class ProcessLedger {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessLedger.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The label every Docker container and network Preflight creates carries: {@code <pid>@<JVM start>} of its JVM. */
    public static final String OWNER_LABEL = "dev.preflight.owner";

    /** What one JVM has started. */
    public record Entry(long ownerPid, String ownerStart, List<TrackedProcess> processes, List<String> directories,
                        List<String> containers, List<String> networks, boolean docker) {
        public Entry {
            // ledgers written before containers were recorded have neither list
            containers = containers == null ? List.of() : containers;
            networks = networks == null ? List.of() : networks;
        }
    }

    public record TrackedProcess(long pid, String start, String command) {
    }

    private final Path ledgerDir;
    private final Path file;
    private final List<TrackedProcess> processes = new ArrayList<>();
    private final List<String> directories = new ArrayList<>();
    private final List<String> containers = new ArrayList<>();
    private final List<String> networks = new ArrayList<>();
    /** Set before the first container or network is created: what a killed JVM made but had not recorded is found by its label. */
    private boolean docker;

    public ProcessLedger(Path ledgerDir) {
        this.ledgerDir = ledgerDir;
        this.file = ledgerDir.resolve(ProcessHandle.current().pid() + ".json");
    }

    /** The default ledger folder: ~/.cache/preflight/ledger (outside /tmp, which it cleans). */
    public static ProcessLedger standard() {
        return new ProcessLedger(Path.of(System.getProperty("user.home"), ".cache", "preflight", "ledger"));
    }

    public synchronized void trackProcess(ProcessHandle process) {
        String start = process.info().startInstant().map(Instant::toString).orElse("");
        String command = process.info().commandLine().orElse(process.info().command().orElse("?"));
        processes.removeIf(p -> p.pid() == process.pid());
        processes.add(new TrackedProcess(process.pid(), start, command));
        save();
    }

    /** Tracks every process this JVM has started so far (children and their children). */
    public synchronized void trackDescendants() {
        ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).forEach(this::trackProcess);
    }

    public synchronized void trackDirectory(Path dir) {
        directories.add(dir.toAbsolutePath().toString());
        save();
    }

    public synchronized void forgetProcess(long pid) {
        processes.removeIf(p -> p.pid() == pid);
        save();
    }

    /** Called before creating a Docker container or network, so that the next run looks for them even if none was recorded. */
    public synchronized void usesDocker() {
        if (!docker) {
            docker = true;
            save();
        }
    }

    /** A Docker container this JVM created: removed by the next run if this one is killed. */
    public synchronized void trackContainer(String id) {
        docker = true;
        containers.add(id);
        save();
    }

    public synchronized void forgetContainer(String id) {
        containers.remove(id);
        save();
    }

    /** A Docker network this JVM created. */
    public synchronized void trackNetwork(String id) {
        docker = true;
        networks.add(id);
        save();
    }

    public synchronized void forgetNetwork(String id) {
        networks.remove(id);
        save();
    }

    /**
     * The label every container and network of this JVM carries ({@value #OWNER_LABEL}):
     * what was created but not yet recorded when the JVM died is found by it.
     */
    public static String owner() {
        ProcessHandle self = ProcessHandle.current();
        return owner(self.pid(), self.info().startInstant().map(Instant::toString).orElse(""));
    }

    static String owner(long pid, String start) {
        return pid + "@" + start;
    }

    public synchronized void forgetDirectory(Path dir) {
        directories.remove(dir.toAbsolutePath().toString());
        save();
    }

    /** Called when this JVM has cleaned up after itself. */
    public synchronized void clear() {
        processes.clear();
        directories.clear();
        containers.clear();
        networks.clear();
        docker = false;
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            LOG.warn("Could not delete ledger {}: {}", file, e.getMessage());
        }
    }

    private void save() {
        ProcessHandle self = ProcessHandle.current();
        Entry entry = new Entry(self.pid(), self.info().startInstant().map(Instant::toString).orElse(""),
                List.copyOf(processes), List.copyOf(directories), List.copyOf(containers), List.copyOf(networks), docker);
        try {
            Files.createDirectories(ledgerDir);
            Path tmp = ledgerDir.resolve(file.getFileName() + ".tmp");
            JSON.writeValue(tmp.toFile(), entry);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the process ledger " + file, e);
        }
    }

    /**
     * Stops what dead JVMs left behind: processes, Docker containers and networks, folders. Returns how
     * many processes and containers were stopped.
     */
    public int reapOrphans() {
        if (!Files.isDirectory(ledgerDir)) {
            return 0;
        }
        int stopped = 0;
        List<Path> files;
        try (Stream<Path> list = Files.list(ledgerDir)) {
            files = list.filter(p -> p.toString().endsWith(".json")).toList();
        } catch (IOException e) {
            return 0;
        }
        for (Path ledger : files) {
            if (ledger.equals(file)) {
                continue;
            }
            Entry entry;
            try {
                entry = JSON.readValue(ledger.toFile(), Entry.class);
            } catch (IOException e) {
                LOG.warn("Removing unreadable ledger {}", ledger);
                deleteQuietly(ledger);
                continue;
            }
            if (isAlive(entry.ownerPid(), entry.ownerStart())) {
                continue; // another run is in progress: not ours to touch
            }
            for (TrackedProcess p : entry.processes()) {
                Optional<ProcessHandle> handle = ProcessHandle.of(p.pid()).filter(h -> sameStart(h, p.start()));
                if (handle.isPresent()) {
                    LOG.warn("Stopping process {} left by an earlier run that died (pid {}): {}", p.pid(), entry.ownerPid(), p.command());
                    stop(handle.get(), Duration.ofSeconds(10));
                    stopped++;
                }
            }
            if (entry.docker() || !entry.containers().isEmpty() || !entry.networks().isEmpty()) {
                stopped += DockerLeftovers.remove(owner(entry.ownerPid(), entry.ownerStart()), entry.containers(), entry.networks());
            }
            for (String dir : entry.directories()) {
                deleteTree(Path.of(dir));
            }
            deleteQuietly(ledger);
        }
        return stopped;
    }

    private static boolean isAlive(long pid, String start) {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(h -> sameStart(h, start)).isPresent();
    }

    private static boolean sameStart(ProcessHandle handle, String start) {
        if (start == null || start.isEmpty()) {
            return true;
        }
        return handle.info().startInstant().map(Instant::toString).map(start::equals).orElse(false);
    }

    /** SIGTERM, then SIGKILL of the whole tree after {@code grace}: {@link StopSequence}. */
    public static void stop(ProcessHandle process, Duration grace) {
        StopSequence.run(process, grace);
    }

    public static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(ProcessLedger::deleteQuietly);
        } catch (IOException | java.io.UncheckedIOException e) {
            // a file that vanished during the walk (a process was still finishing): walk what is left once more
            try (Stream<Path> again = Files.walk(dir)) {
                again.sorted(Comparator.reverseOrder()).forEach(ProcessLedger::deleteQuietly);
            } catch (IOException | java.io.UncheckedIOException retry) {
                LOG.warn("Could not delete {}: {}", dir, retry.getMessage());
            }
        }
    }

    private static void deleteQuietly(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.debug("Could not delete {}", path);
        }
    }
}
