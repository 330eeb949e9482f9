package dev.preflight.metrics;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * What a task's process uses, read from Linux's /proc as the kernel accounts it: CPU time (utime +
 * stime of {@code /proc/<pid>/stat}, in clock ticks) and resident memory ({@code VmRSS} of
 * {@code /proc/<pid>/status}), summed over the process and its descendants (a container is its whole
 * process tree).
 *
 * @param cpuSeconds CPU time used since the process started (user + system)
 * @param rssBytes   resident set size now
 */
public record ProcessUsage(double cpuSeconds, long rssBytes) {
    private static final Path PROC = Path.of("/proc");
    private static final long CLOCK_TICKS = clockTicks();

    /** Whether this machine has a /proc to read (Linux). */
    public static boolean supported() {
        return Files.isReadable(PROC.resolve("self").resolve("stat"));
    }

    /** The usage of a process tree, or empty when the process is gone (or /proc is not there). */
    public static Optional<ProcessUsage> of(long pid) {
        List<Long> pids = new ArrayList<>();
        pids.add(pid);
        ProcessHandle.of(pid).ifPresent(h -> h.descendants().forEach(d -> pids.add(d.pid())));
        double cpu = 0;
        long rss = 0;
        boolean any = false;
        for (long p : pids) {
            Optional<ProcessUsage> one = single(p);
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

    /** One process, without its children. */
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
     * utime + stime (fields 14 and 15 of /proc/pid/stat). The command name (field 2) is in
     * parentheses and may hold spaces or parentheses itself, so fields are counted after the last ')'.
     */
    static long parseCpuTicks(String stat) {
        int close = stat.lastIndexOf(')');
        if (close < 0) {
            throw new IllegalArgumentException("not a /proc/<pid>/stat line: " + stat);
        }
        String[] fields = stat.substring(close + 2).trim().split("\\s+");
        // fields[0] is field 3 (state): field n is fields[n - 3]
        return Long.parseLong(fields[14 - 3]) + Long.parseLong(fields[15 - 3]);
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
