package dev.preflight.bench;

import dev.preflight.engine.ProcessLedger;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** wrk (Debian's package) as the closed-loop client: one run is one wrk process, its report parsed. */
final class Wrk implements ClosedLoopClient {
    private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
    private static final Pattern TOTAL = Pattern.compile("([0-9]+) requests in ([0-9.]+)(us|ms|s|m)");
    private static final Pattern PERCENTILE = Pattern.compile("^\\s+(50|99)(?:\\.000)?%\\s+([0-9.]+)(us|ms|s|m)\\s*$",
            Pattern.MULTILINE);
    private static final Pattern SOCKET_ERRORS = Pattern.compile(
            "Socket errors: connect ([0-9]+), read ([0-9]+), write ([0-9]+), timeout ([0-9]+)");
    private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses: ([0-9]+)");

    private final Path binary;
    private final String version;
    private final int threads;
    private final Path workDir;
    private final ProcessLedger ledger;
    private int runs;

    private Wrk(Path binary, String version, int threads, Path workDir, ProcessLedger ledger) {
        this.binary = binary;
        this.version = version;
        this.threads = threads;
        this.workDir = workDir;
        this.ledger = ledger;
    }

    /** wrk on the PATH (or /usr/bin/wrk), if installed. */
    static Optional<Wrk> find(int threads, Path workDir, ProcessLedger ledger) {
        Optional<Path> binary = Executables.find("wrk");
        if (binary.isEmpty()) {
            return Optional.empty();
        }
        String version;
        try {
            Process p = new ProcessBuilder(binary.get().toString(), "-v").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).lines().findFirst().orElse("");
            p.waitFor();
            Matcher m = Pattern.compile("wrk (\\S+)").matcher(out);
            version = m.find() ? m.group(1) : "(unknown version)";
        } catch (IOException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
        return Optional.of(new Wrk(binary.get(), version, threads, workDir, ledger));
    }

    @Override
    public String describe() {
        return "wrk " + version + " (" + binary + "), " + threads + (threads == 1 ? " thread" : " threads");
    }

    @Override
    public LoadResult run(URI url, int connections, Duration duration) {
        Path log = workDir.resolve("wrk-" + (++runs) + ".txt");
        List<String> command = new ArrayList<>(List.of(binary.toString(), "-t" + threads, "-c" + connections,
                "-d" + Math.max(1, duration.toSeconds()) + "s", "--latency", "--timeout", "10s", url.toString()));
        try (ChildProcess wrk = ChildProcess.start("wrk", command, Map.of(), log, ledger)) {
            if (!wrk.awaitExit(duration.plusSeconds(30))) {
                throw new IllegalStateException("wrk did not end 30 s after its " + duration.toSeconds() + " s run");
            }
            String out = Files.readString(log);
            if (wrk.process().exitValue() != 0) {
                throw new IllegalStateException("wrk exited with " + wrk.process().exitValue() + ": " + out);
            }
            return parse(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static LoadResult parse(String report) {
        Matcher rps = RPS.matcher(report);
        Matcher total = TOTAL.matcher(report);
        if (!rps.find() || !total.find()) {
            throw new IllegalStateException("cannot read wrk's report:\n" + report);
        }
        double p50 = Double.NaN;
        double p99 = Double.NaN;
        Matcher percentile = PERCENTILE.matcher(report);
        while (percentile.find()) {
            double millis = millis(Double.parseDouble(percentile.group(2)), percentile.group(3));
            if (percentile.group(1).equals("50")) {
                p50 = millis;
            } else {
                p99 = millis;
            }
        }
        long failed = 0;
        Matcher errors = SOCKET_ERRORS.matcher(report);
        if (errors.find()) {
            for (int g = 1; g <= 4; g++) {
                failed += Long.parseLong(errors.group(g));
            }
        }
        Matcher non2xx = NON_2XX.matcher(report);
        if (non2xx.find()) {
            failed += Long.parseLong(non2xx.group(1));
        }
        long requests = Long.parseLong(total.group(1));
        double seconds = millis(Double.parseDouble(total.group(2)), total.group(3)) / 1000;
        // wrk's Requests/sec counts every answer; the bench counts only good ones
        double okPerSecond = seconds > 0 ? Math.max(0, requests - failed) / seconds : Double.parseDouble(rps.group(1));
        return new LoadResult(okPerSecond, p50, p99, requests, failed);
    }

    private static double millis(double value, String unit) {
        return switch (unit.toLowerCase(Locale.ROOT)) {
            case "us" -> value / 1000;
            case "ms" -> value;
            case "s" -> value * 1000;
            case "m" -> value * 60_000;
            default -> throw new IllegalArgumentException("unit " + unit);
        };
    }
}
