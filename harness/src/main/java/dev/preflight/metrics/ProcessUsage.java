package dev.preflight.metrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;

/**
 * What a task's process tree uses: CPU time (user + system) and resident memory, summed over the
 * process and its live descendants (a container is its whole process tree).
 *
 * <p>On Linux both are read from /proc as the kernel accounts them ({@code /proc/<pid>/stat},
 * {@code VmRSS} of {@code /proc/<pid>/status}); elsewhere (macOS) from OSHI ({@link OshiProcesses}).
 * /proc stays the Linux source because it also counts descendants that have exited: a parent's
 * cutime and cstime hold the CPU time of the children it reaped, as the container's cgroup that ECS
 * reads keeps it, so a tree whose workers come and go never loses CPU it used. OSHI has no such
 * figure: there an exited worker's CPU leaves the sum (RuntimeMetrics counts no negative CPU). Cost
 * and precision do not decide it: on a six-process tree both took about 1.5 ms a call once warm
 * (listing the descendants is most of it), OSHI 0.4 s more on its first; both count clock ticks.
 *
 * @param cpuSeconds CPU time used since the process started (user + system); on Linux with that of
 *                   the descendants reaped since
 * @param rssBytes   resident set size now
 */
public record ProcessUsage(double cpuSeconds, long rssBytes) {
    private static final Path PROC = Path.of("/proc");
    private static final long CLOCK_TICKS = clockTicks();
    private static final LongFunction<Optional<ProcessUsage>> SOURCE = procReadable() ? ProcessUsage::single : OshiProcesses::single;

    /** Whether this machine's processes can be measured: /proc (Linux), or OSHI's native access. */
    public static boolean supported() {
        return procReadable() || OshiProcesses.available();
    }

    /** The usage of a process tree, or empty when the process is gone (or cannot be measured here). */
    public static Optional<ProcessUsage> of(long pid) {
        return of(pid, SOURCE);
    }

    /**
     * The tree's usage, each process read by {@code single}. The descendants are listed anew each call,
     * so a worker started since the last call counts and one gone does not. The root is read first and
     * the JDK lists descendants breadth-first, so a child reaped between two reads is missed for one
     * call rather than counted in its parent's cutime and again on its own.
     */
    static Optional<ProcessUsage> of(long pid, LongFunction<Optional<ProcessUsage>> single) {
        List<Long> pids = new ArrayList<>();
        pids.add(pid);
        ProcessHandle.of(pid).ifPresent(h -> h.descendants().forEach(d -> pids.add(d.pid())));
        double cpu = 0;
        long rss = 0;
        boolean any = false;
        for (long p : pids) {
            Optional<ProcessUsage> one = single.apply(p);
            if (one.isPresent()) {
                any = true;
                cpu += one.get().cpuSeconds();
                rss += one.get().rssBytes();
            } else if (p == pid) {
                return Optional.empty();
            }
        }
        return any ? Optional.of(new ProcessUsage(cpu, rss)) : Optional.empty();
    }

    private static boolean procReadable() {
        return Files.isReadable(PROC.resolve("self").resolve("stat"));
    }

    /** One process from /proc, with the children it has reaped but not its live ones. */
    static Optional<ProcessUsage> single(long pid) {
        Path dir = PROC.resolve(Long.toString(pid));
        try {
            String stat = Files.readString(dir.resolve("stat"), StandardCharsets.US_ASCII);
            String status = Files.readString(dir.resolve("status"), StandardCharsets.US_ASCII);
            return Optional.of(new ProcessUsage(parseCpuTicks(stat) / (double) CLOCK_TICKS, parseRssKiB(status) * 1024));
        } catch (IOException | RuntimeException gone) {
            return Optional.empty();
        }
    }

    /**
     * utime + stime + cutime + cstime (fields 14 to 17 of /proc/pid/stat): the process's own CPU and
     * that of the children it has waited for. The command name (field 2) is in parentheses and may
     * hold spaces or parentheses itself, so fields are counted after the last ')'.
     */
    static long parseCpuTicks(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            throw new IllegalArgumentException("not a /proc/<pid>/stat line: " + stat);
        }
        String[] fields = stat.substring(close + 2).trim().split("\\s+");
        // fields[0] is field 3 (state): field n is fields[n - 3]
        long total = 0;
        for (int field = 14; field <= 17; field++) {
            total += Long.parseLong(fields[field - 3]);
        }
        return total;
    }

    /** VmRSS in KiB; 0 for a zombie or kernel thread, which has none. */
    static long parseRssKiB(String status) {
        for (String line : status.split("\n")) {
            if (line.startsWith("VmRSS:")) {
                String[] parts = line.substring("VmRSS:".length()).trim().split("\\s+");
                return Long.parseLong(parts[0]);
            }
        }
        return 0;
    }

    /** CLK_TCK (USER_HZ), 100 on every common Linux; asked of getconf once. */
    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0) {
                long ticks = Long.parseLong(new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim());
                if (ticks > 0) {
                    return ticks;
                }
            }
            p.destroyForcibly();
        } catch (IOException | RuntimeException e) {
            // fall through to the Linux default
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 100;
    }
}
