package dev.preflight.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs a written page's scripts for real: with Node.js against the real Chart.js build (a stub DOM and
 * a no-op canvas, so layout runs but nothing is painted), and in headless Chromium when one is
 * installed. Each is skipped, with the reason, when its program is not on the PATH.
 */
class PageRenderingTest {
    /** Loads the page's script files in order, as a browser would, and prints what Chart.js built. */
    private static final String NODE_HARNESS = """
            const fs = require('fs'), path = require('path'), vm = require('vm');
            const page = process.argv[2], html = fs.readFileSync(page, 'utf8');
            const json = html.match(/<script type="application\\/json" id="preflight-data">([\\s\\S]*?)<\\/script>/)[1];
            function context2d(canvas) {
              const t = { canvas, getLineDash: () => [], createLinearGradient: () => ({ addColorStop() {} }),
                measureText: (s) => ({ width: String(s).length * 6, actualBoundingBoxAscent: 8, actualBoundingBoxDescent: 2 }) };
              return new Proxy(t, { get: (o, k) => (k in o ? o[k] : (typeof k === 'string' ? (o[k] = function () {}) : undefined)),
                set: (o, k, v) => { o[k] = v; return true; } });
            }
            const canvases = {};
            for (const m of html.matchAll(/<canvas id="([^"]+)"/g)) {
              const c = { id: m[1], width: 1000, height: 240, style: {}, attrs: {}, getAttribute(n) { return this.attrs[n] ?? null; },
                setAttribute(n, v) { this.attrs[n] = v; }, removeAttribute(n) { delete this.attrs[n]; } };
              c.getContext = () => (c.ctx ||= context2d(c));
              canvases[m[1]] = c;
            }
            const body = { attrs: {}, setAttribute(n, v) { this.attrs[n] = String(v); }, insertBefore() {}, firstChild: null };
            const document = { body, createElement: () => ({}),
              getElementById: (id) => id === 'preflight-data' ? { textContent: json } : (canvases[id] || null) };
            // no window: Chart.js then takes its platform for non-DOM canvases
            const sandbox = { document, console, setTimeout, clearTimeout };
            vm.createContext(sandbox);
            for (const src of html.matchAll(/<script src="([^"]+)"><\\/script>/g)) {
              vm.runInContext(fs.readFileSync(path.join(path.dirname(page), src[1]), 'utf8'), sandbox, { filename: src[1] });
            }
            const charts = Object.values(canvases).map((c) => sandbox.Chart.getChart(c)).filter(Boolean).map((ch) => ({
              type: ch.config.type, datasets: ch.data.datasets.length, left: ch.chartArea.left,
              xMin: ch.scales.x.min, xMax: ch.scales.x.max,
              events: Object.keys(ch.options.plugins.annotation.annotations).length }));
            console.log(JSON.stringify({ body: body.attrs, annotationPlugin: !!sandbox.Chart.registry.plugins.get('annotation'), charts }));
            """;

    @TempDir
    Path dir;

    @Test
    void chartJsBuildsEveryChartOfThePage() throws Exception {
        Path node = executable("node").orElse(null);
        assumeTrue(node != null, "Node.js (node) is not installed, so the page script is not run");
        Path page = ScenarioReportTest.syntheticReport("Rendered in node").write(dir);
        Path harness = Files.writeString(dir.resolve("run-page.js"), NODE_HARNESS);

        JsonNode result = new ObjectMapper().readTree(run(List.of(node.toString(), harness.toString(), page.toString())));

        assertThat(result.get("body").has("data-chart-error")).as(result.toString()).isFalse();
        assertThat(result.get("body").get("data-charts-drawn").asText()).isEqualTo("4");
        assertThat(result.get("annotationPlugin").asBoolean()).isTrue();
        JsonNode charts = result.get("charts");
        assertThat(charts).hasSize(4);
        assertThat(charts.get(0).get("type").asText()).isEqualTo("bar");
        assertThat(charts.get(0).get("datasets").asInt()).isEqualTo(3);
        assertThat(charts.get(2).get("datasets").asInt()).isEqualTo(3);
        for (JsonNode chart : charts) {
            assertThat(chart.get("xMin").asDouble()).isEqualTo(0);
            assertThat(chart.get("xMax").asDouble()).isEqualTo(10);
            assertThat(chart.get("events").asInt()).as("two event lines and a fault band").isEqualTo(3);
            // the plot areas start at the same x, so the charts' time axes line up
            assertThat(chart.get("left").asDouble()).isEqualTo(charts.get(0).get("left").asDouble());
        }
    }

    @Test
    void headlessChromiumDrawsThePage() throws Exception {
        Path chromium = executable("chromium").or(() -> executable("chromium-browser")).orElse(null);
        assumeTrue(chromium != null, "Chromium is not installed, so the page is not rendered in a browser");
        Path page = ScenarioReportTest.syntheticReport("Rendered in Chromium").write(dir);

        String dom = runChromium(chromium, List.of("--dump-dom", page.toUri().toString()));
        assertThat(dom).contains("data-charts-drawn=\"4\"").doesNotContain("data-chart-error");

        Path png = dir.resolve("page.png");
        runChromium(chromium, List.of("--window-size=1200,1800", "--screenshot=" + png, page.toUri().toString()));
        assertThat(png).isNotEmptyFile();
    }

    /**
     * One headless Chromium run in a fresh folder that is deleted afterwards: the profile
     * (--user-data-dir) and, through XDG_CONFIG_HOME and XDG_CACHE_HOME, the crash database and
     * caches Chromium would otherwise keep in the home folder. Quiet flags: no network of its own
     * (component updates, sync, first-run). Chromium's helpers (zygote, renderers, crashpad
     * handlers) carry that folder on their command line: any still there once the browser has
     * exited (or was killed on a timeout) are killed, and the run fails if one survives.
     */
    private String runChromium(Path chromium, List<String> args) throws IOException, InterruptedException {
        Path home = Files.createTempDirectory(dir, "chromium-");
        List<String> command = new ArrayList<>(List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--allow-file-access-from-files", "--virtual-time-budget=5000", "--user-data-dir=" + home.resolve("profile")));
        command.addAll(args);
        try {
            return run(command, Map.of("XDG_CONFIG_HOME", home.toString(), "XDG_CACHE_HOME", home.toString()));
        } finally {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            List<ProcessHandle> left = processesUsing(home);
            while (!left.isEmpty() && System.nanoTime() < deadline) {
                left.forEach(ProcessHandle::destroyForcibly);
                Thread.sleep(50);
                left = processesUsing(home);
            }
            deleteTree(home);
            assertThat(left).as("Chromium processes using %s that SIGKILL did not end", home).isEmpty();
        }
    }

    private static List<ProcessHandle> processesUsing(Path folder) {
        String marker = folder.toString();
        long self = ProcessHandle.current().pid();
        return ProcessHandle.allProcesses().filter(p -> p.pid() != self && commandLineMentions(p, marker)).toList();
    }

    /**
     * Reads /proc/PID/cmdline where there is one: ProcessHandle.Info gives no command line for
     * Chromium's zygote-forked helpers (seen with Chromium 156 on Debian 12).
     */
    private static boolean commandLineMentions(ProcessHandle process, String marker) {
        Path cmdline = Path.of("/proc", Long.toString(process.pid()), "cmdline");
        if (Files.isDirectory(Path.of("/proc", "self"))) {
            try {
                return new String(Files.readAllBytes(cmdline), StandardCharsets.UTF_8).contains(marker);
            } catch (IOException e) {
                return false; // gone already, or not ours to read
            }
        }
        return process.info().commandLine().map(c -> c.contains(marker)).orElse(false);
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static Optional<Path> executable(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        return Stream.of(path.split(File.pathSeparator)).map(d -> Path.of(d, name)).filter(Files::isExecutable).findFirst();
    }

    /** Runs a command with a bounded wait and returns its standard output; fails with its output otherwise. */
    private String run(List<String> command) throws IOException, InterruptedException {
        return run(command, Map.of());
    }

    /** As {@link #run(List)}, with {@code env} added to the environment. */
    private String run(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "out-", ".txt");
        Path err = Files.createTempFile(dir, "err-", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError("Timed out after 90 s running " + command);
        }
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("exit code of %s; stderr:%n%s", command, Files.readString(err)).isZero();
        return stdout;
    }
}
