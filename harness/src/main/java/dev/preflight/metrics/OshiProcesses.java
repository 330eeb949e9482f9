package dev.preflight.metrics;

import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import oshi.SystemInfo;
import oshi.software.os.OSProcess;
import oshi.software.os.OperatingSystem;

/**
 * One process's CPU time and resident memory from OSHI, where there is no /proc (macOS): OSHI asks
 * the kernel through JNA (proc_pidinfo on macOS). Loaded on first use, since it costs about 0.4 s;
 * where JNA's native library cannot load, this machine has no source and {@link #available()} says so.
 */
final class OshiProcesses {
    private static final Logger LOG = LoggerFactory.getLogger(OshiProcesses.class);

    private OshiProcesses() {
    }

    static boolean available() {
        return Loaded.OS.isPresent();
    }

    /** One process, without its children; empty when it is gone. */
    static Optional<ProcessUsage> single(long pid) {
        if (Loaded.OS.isEmpty() || pid > Integer.MAX_VALUE) {
            return Optional.empty();
        }
        OSProcess process = Loaded.OS.get().getProcess((int) pid);
        if (process == null || process.getState() == OSProcess.State.INVALID) {
            return Optional.empty();
        }
        double cpuSeconds = (process.getUserTime() + process.getKernelTime()) / 1000.0;
        return Optional.of(new ProcessUsage(cpuSeconds, process.getResidentSetSize()));
    }

    /** The holder idiom: OSHI starts when first asked, once. */
    private static final class Loaded {
        static final Optional<OperatingSystem> OS = load();

        private static Optional<OperatingSystem> load() {
            try {
                return Optional.of(new SystemInfo().getOperatingSystem());
            } catch (LinkageError | RuntimeException e) {
                LOG.warn("OSHI could not load ({}): task CPU and memory are not measured on this machine", e.toString());
                return Optional.empty();
            }
        }
    }
}
