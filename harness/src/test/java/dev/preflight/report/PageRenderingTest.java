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
import java.util.List;
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
            assertThat(chart.get("events").asInt()).isEqualTo(2);
            // the plot areas start at the same x, so the charts' time axes line up
            assertThat(chart.get("left").asDouble()).isEqualTo(charts.get(0).get("left").asDouble());
        }
    }

    @Test
    void headlessChromiumDrawsThePage() throws Exception {
        Path chromium = executable("chromium").or(() -> executable("chromium-browser")).orElse(null);
        assumeTrue(chromium != null, "Chromium is not installed, so the page is not rendered in a browser");
        Path page = ScenarioReportTest.syntheticReport("Rendered in Chromium").write(dir);
        List<String> common = List.of(chromium.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--allow-file-access-from-files", "--virtual-time-budget=5000", "--user-data-dir=" + dir.resolve("profile"));

        List<String> dump = new ArrayList<>(common);
        dump.addAll(List.of("--dump-dom", page.toUri().toString()));
        String dom = run(dump);
        assertThat(dom).contains("data-charts-drawn=\"4\"").doesNotContain("data-chart-error");

        Path png = dir.resolve("page.png");
        List<String> shot = new ArrayList<>(common);
        shot.addAll(List.of("--window-size=1200,1800", "--screenshot=" + png, page.toUri().toString()));
        run(shot);
        assertThat(png).isNotEmptyFile();
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
        Path out = Files.createTempFile(dir, "out-", ".txt");
        Path err = Files.createTempFile(dir, "err-", ".txt");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!process.waitFor(90, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("Timed out after 90 s running " + command);
        }
        String stdout = Files.readString(out, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("exit code of %s; stderr:%n%s", command, Files.readString(err)).isZero();
        return stdout;
    }
}
