package dev.preflight.bench;

import dev.preflight.engine.LocalPorts;
import dev.preflight.engine.ProcessLedger;
import dev.preflight.environment.TopologyLocator;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * Part 2 of the bench: Preflight's load balancer against nginx, both in front of the same fast
 * backend (the sample app with TCP_NODELAY, in its own JVM), and the backend called directly: one
 * closed-loop client for all three rows (wrk when installed, else {@link ThroughputProbe}), warm-up
 * first, then rounds of direct, nginx, Preflight back to back, so machine noise hits all rows
 * alike. The load balancer runs in its own JVM ({@link StandaloneLoadBalancer}) as nginx runs in
 * its own processes.
 */
final class ProxyComparison {
    /** Preflight's goal against nginx: this share of its throughput ... */
    static final double GOAL_THROUGHPUT_RATIO = 0.70;
    /** ... and at most this much more p50 latency. */
    static final double GOAL_P50_MILLIS = 0.5;
    static final String PATH = "/version";

    record Settings(int connections, Duration warmUp, Duration run, int rounds, Duration cold) {
    }

    /** What the comparison found; {@code nginx} and the ratios are empty without nginx. */
    record Result(Map<String, List<LoadResult>> rows, boolean goalMet, boolean goalMeasured, long failed) {
    }

    private final Path appJar;
    private final Path workDir;
    private final ProcessLedger ledger;
    private final Settings settings;
    private final PrintStream out;

    ProxyComparison(Path appJar, Path workDir, ProcessLedger ledger, Settings settings, PrintStream out) {
        this.appJar = appJar;
        this.workDir = workDir;
        this.ledger = ledger;
        this.settings = settings;
        this.out = out;
    }

    Result run() throws Exception {
        Files.createDirectories(workDir);
        boolean useWrk = Boolean.parseBoolean(System.getProperty("preflight.bench.wrk", "true"));
        ClosedLoopClient client = (useWrk ? Wrk.find(Integer.getInteger("preflight.bench.wrkThreads", 2), workDir, ledger) : Optional.<Wrk>empty()).<ClosedLoopClient>map(w -> w)
                .orElseGet(() -> new ThroughputProbe(useWrk ? "wrk not installed" : "-Dpreflight.bench.wrk=false"));
        Optional<Path> nginx = NginxProxy.binary();
        out.println();
        out.println("Load balancer against nginx, each alone in front of one fast backend (the sample app in its own JVM, "
                + "-Dsun.net.httpserver.nodelay=true), GET " + PATH + ", " + settings.connections() + " connections");
        out.println("  load client (all rows): " + client.describe());
        if (nginx.isEmpty()) {
            out.println("  nginx: not installed (scripts/bench-setup.sh could not install it): no nginx row, goal not measured");
        }
        int backendPort = LocalPorts.freePort();
        try (ChildProcess backend = startBackend(backendPort);
             Closeables extra = new Closeables()) {
            URI direct = URI.create("http://127.0.0.1:" + backendPort + PATH);
            client.run(direct, settings.connections(), settings.warmUp()); // the backend's JIT
            URI viaNginx = null;
            ProcessHandle nginxProcess = null;
            String nginxName = "nginx";
            if (nginx.isPresent()) {
                NginxProxy proxy = extra.add(NginxProxy.start(nginx.get(), backendPort, Runtime.getRuntime().availableProcessors(),
                        ledger));
                viaNginx = URI.create("http://127.0.0.1:" + proxy.port() + PATH);
                nginxProcess = proxy.process();
                nginxName = nginxVersion(nginx.get());
                client.run(viaNginx, settings.connections(), Duration.ofSeconds(3));
            }
            StartedBalancer alb = extra.add(startLoadBalancer(backendPort, System.getProperty("java.class.path")));
            URI viaPreflight = URI.create("http://127.0.0.1:" + alb.port() + PATH);
            LoadResult cold = client.run(viaPreflight, settings.connections(), settings.cold());
            out.printf(Locale.ROOT, "  Preflight cold, its first %d s after start (ready in %.2f s): %,.0f req/s, p50 %.2f ms, p99 %.2f ms%s%n",
                    settings.cold().toSeconds(), alb.startSeconds(), cold.requestsPerSecond(), cold.p50Millis(), cold.p99Millis(),
                    cold.failed() > 0 ? ", " + cold.failed() + " failed" : "");
            client.run(viaPreflight, settings.connections(), settings.warmUp());
            out.printf(Locale.ROOT, "  warm-up done (%d s per row); %d rounds of %d s per row, back to back%n",
                    settings.warmUp().toSeconds(), settings.rounds(), settings.run().toSeconds());

            Map<String, Row> targets = new LinkedHashMap<>();
            targets.put("direct", new Row(direct, null));
            if (viaNginx != null) {
                targets.put(nginxName, new Row(viaNginx, nginxProcess));
            }
            targets.put("Preflight", new Row(viaPreflight, alb.process().process().toHandle()));
            String before = System.getProperty("preflight.bench.beforeClasspath", "");
            if (!before.isBlank()) { // another build of the load balancer (before a change), measured in the same rounds
                StartedBalancer other = extra.add(startLoadBalancer(backendPort, before));
                URI viaOther = URI.create("http://127.0.0.1:" + other.port() + PATH);
                LoadResult otherCold = client.run(viaOther, settings.connections(), settings.cold());
                out.printf(Locale.ROOT, "  Pf. before cold, its first %d s after start (ready in %.2f s): %,.0f req/s, p50 %.2f ms, p99 %.2f ms%n",
                        settings.cold().toSeconds(), other.startSeconds(), otherCold.requestsPerSecond(), otherCold.p50Millis(),
                        otherCold.p99Millis());
                client.run(viaOther, settings.connections(), settings.warmUp());
                targets.put("Pf. before", new Row(viaOther, other.process().process().toHandle()));
            }
            Map<String, List<LoadResult>> rows = new LinkedHashMap<>();
            targets.keySet().forEach(k -> rows.put(k, new ArrayList<>()));
            for (int round = 0; round < settings.rounds(); round++) {
                for (Map.Entry<String, Row> t : targets.entrySet()) {
                    rows.get(t.getKey()).add(t.getValue().measure(client, settings.connections(), settings.run()));
                }
            }
            return report(rows, nginxName, viaNginx != null, cold.failed());
        }
    }

    /** One row of the table: where the client sends its load, and the proxy process whose CPU is counted (null: none). */
    private record Row(URI url, ProcessHandle proxy) {
        LoadResult measure(ClosedLoopClient client, int connections, Duration duration) throws Exception {
            long cpuBefore = proxy == null ? 0 : CpuTime.nanos(proxy);
            LoadResult result = client.run(url, connections, duration);
            return proxy == null ? result : result.withProxyCpu(CpuTime.nanos(proxy) - cpuBefore);
        }
    }

    private Result report(Map<String, List<LoadResult>> rows, String nginxName, boolean withNginx, long coldFailed) {
        out.printf(Locale.ROOT, "  %-14s %-26s %-22s %-23s %-22s %s%n", "", "req/s median (min-max)", "p50 ms median (min-max)",
                "p99 ms median (min-max)", "proxy CPU us/request", "failed");
        long failed = coldFailed;
        for (Map.Entry<String, List<LoadResult>> row : rows.entrySet()) {
            List<LoadResult> r = row.getValue();
            long rowFailed = r.stream().mapToLong(LoadResult::failed).sum();
            failed += rowFailed;
            String cpu = Double.isNaN(r.get(0).proxyCpuMicrosPerRequest()) ? "-" : spread(r, LoadResult::proxyCpuMicrosPerRequest, "%.1f");
            out.printf(Locale.ROOT, "  %-14s %-26s %-22s %-23s %-22s %d%n", row.getKey(), spread(r, LoadResult::requestsPerSecond, "%,.0f"),
                    spread(r, LoadResult::p50Millis, "%.2f"), spread(r, LoadResult::p99Millis, "%.2f"), cpu, rowFailed);
        }
        if (!withNginx) {
            return new Result(rows, false, false, failed);
        }
        List<LoadResult> n = rows.get(nginxName);
        List<LoadResult> p = rows.get("Preflight");
        List<Double> ratios = new ArrayList<>();
        List<Double> p50Deltas = new ArrayList<>();
        for (int i = 0; i < n.size(); i++) {
            ratios.add(p.get(i).requestsPerSecond() / n.get(i).requestsPerSecond());
            p50Deltas.add(p.get(i).p50Millis() - n.get(i).p50Millis());
        }
        double ratio = median(p, LoadResult::requestsPerSecond) / median(n, LoadResult::requestsPerSecond);
        double delta = median(p, LoadResult::p50Millis) - median(n, LoadResult::p50Millis);
        out.printf(Locale.ROOT, "  Preflight/nginx throughput %.0f %% (rounds %.0f-%.0f %%); Preflight-nginx p50 %+.2f ms (rounds %+.2f to %+.2f ms); "
                        + "CPU per request %.1fx nginx's%n",
                ratio * 100, min(ratios) * 100, max(ratios) * 100, delta, min(p50Deltas), max(p50Deltas),
                median(p, LoadResult::proxyCpuMicrosPerRequest) / median(n, LoadResult::proxyCpuMicrosPerRequest));
        boolean met = ratio >= GOAL_THROUGHPUT_RATIO && delta <= GOAL_P50_MILLIS;
        out.printf(Locale.ROOT, "  goal (at least %.0f %% of nginx's throughput, at most %+.1f ms p50 over nginx, on the medians): %s%n",
                GOAL_THROUGHPUT_RATIO * 100, GOAL_P50_MILLIS, met ? "met"
                        : "NOT met (" + (ratio < GOAL_THROUGHPUT_RATIO ? "throughput" : "") + (ratio < GOAL_THROUGHPUT_RATIO && delta > GOAL_P50_MILLIS ? ", " : "")
                        + (delta > GOAL_P50_MILLIS ? "p50" : "") + ")");
        return new Result(rows, met, true, failed);
    }

    private ChildProcess startBackend(int port) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ChildProcess backend = ChildProcess.start("backend (sample app)", List.of(java, "-Dsun.net.httpserver.nodelay=true",
                "-jar", appJar.toAbsolutePath().toString()), Map.of("PORT", Integer.toString(port), "APP_VERSION", "bench"),
                workDir.resolve("backend.log"), ledger);
        try {
            backend.awaitListening(port, Duration.ofSeconds(30));
            return backend;
        } catch (RuntimeException e) {
            backend.close();
            throw e;
        }
    }

    /** The stand-alone load balancer in its own JVM: its port once its target is healthy. */
    record StartedBalancer(ChildProcess process, int port, double startSeconds) implements AutoCloseable {
        @Override
        public void close() {
            process.close();
        }
    }

    private StartedBalancer startLoadBalancer(int backendPort, String classpath) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path log = workDir.resolve("preflight-alb-" + System.nanoTime() + ".log");
        List<String> command = new ArrayList<>(List.of(java, "-D" + TopologyLocator.PROPERTY + "=" + TopologyLocator.topologyDir()));
        String scale = System.getProperty("preflight.timeScale");
        if (scale != null) {
            command.add("-Dpreflight.timeScale=" + scale);
        }
        String jvmArgs = System.getProperty("preflight.bench.albJvmArgs", "").strip(); // e.g. -XX:StartFlightRecording=...
        if (!jvmArgs.isEmpty()) {
            command.addAll(List.of(jvmArgs.split("\\s+")));
        }
        command.addAll(List.of("-cp", classpath, StandaloneLoadBalancer.class.getName(),
                Integer.toString(backendPort)));
        long start = System.nanoTime();
        ChildProcess process = ChildProcess.start("Preflight load balancer", command, Map.of(), log, ledger);
        try {
            long deadline = start + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                if (!process.process().isAlive()) {
                    throw new IllegalStateException("the stand-alone load balancer exited with " + process.process().exitValue()
                            + "; its output:\n" + process.tail());
                }
                Optional<String> ready = Files.readAllLines(log).stream().filter(l -> l.startsWith(StandaloneLoadBalancer.READY))
                        .findFirst();
                if (ready.isPresent()) {
                    int port = Integer.parseInt(ready.get().substring(StandaloneLoadBalancer.READY.length()).trim());
                    return new StartedBalancer(process, port, (System.nanoTime() - start) / 1e9);
                }
                Thread.sleep(20);
            }
            throw new IllegalStateException("the stand-alone load balancer was not ready within 60 s; its output:\n" + process.tail());
        } catch (RuntimeException | IOException e) {
            process.close();
            throw e;
        } catch (InterruptedException e) {
            process.close();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String nginxVersion(Path nginx) {
        try {
            Process p = new ProcessBuilder(nginx.toString(), "-v").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            int slash = out.indexOf("nginx/");
            return slash < 0 ? "nginx" : "nginx " + out.substring(slash + "nginx/".length()).split("\\s")[0];
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "nginx";
        }
    }

    private static String spread(List<LoadResult> results, ToDoubleFunction<LoadResult> value, String format) {
        List<Double> values = results.stream().map(value::applyAsDouble).sorted().toList();
        return String.format(Locale.ROOT, format + " (" + format + "-" + format + ")", median(values), values.get(0),
                values.get(values.size() - 1));
    }

    static double median(List<LoadResult> results, ToDoubleFunction<LoadResult> value) {
        return median(results.stream().map(value::applyAsDouble).sorted().toList());
    }

    static double median(List<Double> sorted) {
        List<Double> s = sorted.stream().sorted().toList();
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    private static double min(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
    }

    private static double max(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN);
    }

    /** Closes what was added, last first, also when the comparison fails half-way. */
    private static final class Closeables implements AutoCloseable {
        private final List<AutoCloseable> items = new ArrayList<>();

        <T extends AutoCloseable> T add(T item) {
            items.add(item);
            return item;
        }

        @Override
        public void close() {
            for (int i = items.size() - 1; i >= 0; i--) {
                try {
                    items.get(i).close();
                } catch (Exception e) {
                    System.err.println("bench: closing " + items.get(i) + " failed: " + e);
                }
            }
        }
    }
}
