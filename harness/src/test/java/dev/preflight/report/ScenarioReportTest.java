package dev.preflight.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.preflight.traffic.RequestRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScenarioReportTest {
    static final Instant START = Instant.parse("2030-01-01T12:00:00Z");
    static final String NASTY = "<script>alert('x')</script> & \"quotes\"";

    @TempDir
    Path dir;

    /** 10 s at 20 requests/s; v1 then v2; second 4 has refused connections and a 503. */
    static List<RequestRecord> syntheticRecords() {
        List<RequestRecord> records = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            long due = TimeUnit.MILLISECONDS.toNanos(i * 50L);
            long latency = TimeUnit.MILLISECONDS.toNanos(5 + i % 10);
            int second = i / 20;
            if (second == 4 && i % 4 == 0) {
                records.add(new RequestRecord(due, due, due + latency, 0, null, "Connection refused", "/"));
            } else if (second == 4 && i % 4 == 1) {
                records.add(new RequestRecord(due, due, due + latency, 503, "v1", null, "/"));
            } else {
                records.add(new RequestRecord(due, due, due + latency, 200, second < 5 ? "v1" : "v2", null, "/"));
            }
        }
        return records;
    }

    static ScenarioReport syntheticReport(String title) {
        return ScenarioReport.named(title)
                .requests(syntheticRecords(), START)
                .series("tasks", "running v1", List.of(new Sample(START, 2), new Sample(START.plusSeconds(6), 0)))
                .series("tasks", "running v2", List.of(new Sample(START.plusSeconds(3), 1), new Sample(START.plusSeconds(5), 2)))
                .series("tasks", "desired", List.of(new Sample(START, 2)))
                .series("scaling", "metric", List.of(new Sample(START.plusSeconds(1), 40.5), new Sample(START.plusSeconds(8), 71)))
                .event(START.plusMillis(3_000), "deploy v2 started")
                .event(START.plusMillis(4_250), NASTY)
                .band(START.plusSeconds(6), START.plusSeconds(8), "redis +400 ms latency")
                .section("Topology", "service api\n  <tasks> 2 & \"more\"")
                .verdict(false, "10 failed requests <during> cutover");
    }

    @Test
    void writesAPageWithChartsDataAndEscapedText() throws Exception {
        Path page = syntheticReport("Rolling deploy: v1 → v2").write(dir);

        assertThat(page).isEqualTo(dir.resolve("rolling-deploy-v1-v2.html"));
        String html = Files.readString(page);
        assertThat(html).contains("<canvas id=\"chart-requests\"", "<canvas id=\"chart-latency\"",
                "<canvas id=\"chart-0\"", "<canvas id=\"chart-1\"");
        assertThat(html).contains("<strong>FAILED</strong> 10 failed requests &lt;during&gt; cutover");
        assertThat(html).contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;quotes&quot;");
        assertThat(html).contains("<pre>service api\n  &lt;tasks&gt; 2 &amp; &quot;more&quot;</pre>");
        assertThat(html).doesNotContain("<script>alert", "<tasks>");
        // only our four script elements: the data, Chart.js, the annotation plugin, the page script
        assertThat(html.split("<script", -1)).hasSize(5);
        assertThat(html).contains("src=\"assets/chart.umd.js\"", "src=\"assets/chartjs-plugin-annotation.min.js\"")
                .doesNotContain("http://", "https://");
        // the summary table
        assertThat(html).contains("<th>total</th><td>200</td>", "<th>ok</th><td>190</td>", "<th>failed</th><td>10</td>",
                "v1: 95", "v2: 100", "Connection refused: 5");

        JsonNode data = embeddedData(html);
        assertThat(data.get("title").asText()).isEqualTo("Rolling deploy: v1 → v2");
        assertThat(data.get("xMin").asDouble()).isEqualTo(0);
        assertThat(data.get("xMax").asDouble()).isEqualTo(10);
        JsonNode requests = data.get("requests");
        assertThat(requests.get("x")).hasSize(10);
        assertThat(requests.get("ok").get(4).asLong()).isEqualTo(10);
        assertThat(requests.get("failed").get(4).asLong()).isEqualTo(10);
        assertThat(requests.get("errors").get(4).asLong()).isEqualTo(5);
        assertThat(requests.get("ok").get(0).asLong()).isEqualTo(20);
        assertThat(requests.get("p99Millis").get(0).asDouble()).isBetween(13.9, 14.1);
        JsonNode tasks = data.get("charts").get(0);
        assertThat(tasks.get("name").asText()).isEqualTo("tasks");
        assertThat(tasks.get("series")).hasSize(3);
        assertThat(tasks.get("series").get(1).get("points").get(1).get("x").asDouble()).isEqualTo(5);
        assertThat(data.get("events").get(1).get("label").asText()).isEqualTo(NASTY);
        assertThat(data.get("events").get(1).get("x").asDouble()).isEqualTo(4.25);
        assertThat(data.get("events").get(1).get("number").asInt()).isEqualTo(2);
    }

    @Test
    void theSlowestRequestsAreListedWithTheTargetThatAnsweredThem() throws Exception {
        List<RequestRecord> records = new ArrayList<>(syntheticRecords());
        long due = TimeUnit.MILLISECONDS.toNanos(3_250);
        records.add(new RequestRecord(due, due, due + TimeUnit.MILLISECONDS.toNanos(2_051), 200, "v2", null, "/api/db", "task-cold"));
        String html = Files.readString(ScenarioReport.named("slow target").requests(records, START).write(dir));

        String slowest = html.substring(html.indexOf("<h3>Slowest requests</h3>"));
        assertThat(slowest).contains("<td class=\"num\">3.250</td><td class=\"num\">2051.0</td><td>200</td><td>task-cold</td><td>/api/db</td>");
        assertThat(slowest.indexOf("task-cold")).as("the slowest first").isLessThan(slowest.indexOf("<td>-</td>"));
        assertThat(slowest.split("<tr>", -1)).as("a header and 8 requests").hasSize(10);
    }

    @Test
    void copiesTheChartAssetsSoThePageOpensOffline() throws Exception {
        syntheticReport("assets").write(dir);

        Path assets = dir.resolve("assets");
        assertThat(Files.readString(assets.resolve("chart.umd.js"))).startsWith("/*!\n * Chart.js v4.");
        assertThat(Files.readString(assets.resolve("chartjs-plugin-annotation.min.js")))
                .contains("chartjs-plugin-annotation v3.").contains("t.Chart.register(");
        assertThat(assets.resolve("preflight-report.js")).content().contains("preflight-data");
        assertThat(assets.resolve("preflight-report.css")).isNotEmptyFile();
    }

    @Test
    void theIndexListsEveryPageNewestFirstWithItsVerdict() throws Exception {
        Files.writeString(dir.resolve("notes.html"), "<html><body>not a report</body></html>");
        syntheticReport("First scenario").write(dir);
        ScenarioReport.named("Second <scenario>").verdict(true, "all 200 requests ok").write(dir);
        ScenarioReport.named("Third, no verdict").write(dir);

        String index = Files.readString(dir.resolve("index.html"));
        assertThat(index).contains("<a href=\"first-scenario.html\">First scenario</a>",
                "<a href=\"second-scenario.html\">Second &lt;scenario&gt;</a>", "all 200 requests ok",
                "<a href=\"notes.html\">notes.html</a>", "4 scenarios: 1 passed, 1 failed, 0 caught as intended");
        assertThat(index.indexOf("third-no-verdict.html")).isLessThan(index.indexOf("second-scenario.html"));
        assertThat(index.indexOf("second-scenario.html")).isLessThan(index.indexOf("first-scenario.html"));
        assertThat(ReportIndex.entries(dir)).extracting(ReportIndex.Entry::verdict)
                .contains("PASSED", "FAILED", "NO VERDICT");
        assertThat(ReportIndex.entries(dir)).filteredOn(e -> e.file().equals("first-scenario.html"))
                .singleElement().satisfies(e -> {
                    assertThat(e.verdict()).isEqualTo("FAILED");
                    assertThat(e.summary()).isEqualTo("10 failed requests <during> cutover");
                });
    }

    @Test
    void aScenarioMisconfiguredOnPurposeIsCountedCaughtNotFailed() throws Exception {
        ScenarioReport.named("Good").verdict(true, "0 failed").write(dir);
        ScenarioReport.named("Unsafe on purpose").caughtAsIntended(true, "12 requests cut with 502").write(dir);
        ScenarioReport.named("Unsafe, missed").caughtAsIntended(false, "0 failed: the harness missed it").write(dir);

        assertThat(ReportIndex.entries(dir)).extracting(ReportIndex.Entry::title, ReportIndex.Entry::verdict).contains(
                org.assertj.core.groups.Tuple.tuple("Unsafe on purpose", "CAUGHT"), org.assertj.core.groups.Tuple.tuple("Unsafe, missed", "MISSED"));
        assertThat(Files.readString(dir.resolve("index.html"))).contains("3 scenarios: 1 passed, 1 failed, 1 caught as intended");
        assertThat(ScenarioReport.summarize(dir)).startsWith("3 scenarios: 1 passed, 1 failed, 1 caught as intended; report: ")
                .endsWith(dir.toAbsolutePath().normalize().resolve("index.html").toString());
        assertThat(Files.readString(dir.resolve("unsafe-on-purpose.html"))).contains("<div class=\"verdict caught\"><strong>CAUGHT</strong>");
    }

    @Test
    void aTableIsShownFirstWithLinksAndVerdictColours() throws Exception {
        ScenarioReport.named("Gate").table("Verdicts", List.of("check", "service", "verdict"),
                List.of(List.of("cutover", "api", "PASSED"), List.of("bad-release", "api", "FAILED")), java.util.Arrays.asList("cutover-api.html", null))
                .verdict(false, "1 failed").write(dir);
        String page = Files.readString(dir.resolve("gate.html"));
        assertThat(page).contains("<td><a href=\"cutover-api.html\">cutover</a></td>", "<td>bad-release</td>",
                "<td class=\"verdict-cell failed\">FAILED</td>");
        assertThat(page.indexOf("<h2>Verdicts</h2>")).isLessThan(page.indexOf("</body>"));
    }

    @Test
    void rewritingAPageKeepsOneIndexEntry() throws Exception {
        ScenarioReport.named("Same").verdict(false, "first try").write(dir);
        ScenarioReport.named("Same").verdict(true, "second try").write(dir);

        assertThat(ReportIndex.entries(dir)).singleElement().satisfies(e -> {
            assertThat(e.verdict()).isEqualTo("PASSED");
            assertThat(e.summary()).isEqualTo("second try");
        });
    }

    @Test
    void manyWritersAtOnceLeaveACompleteIndex() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Path>> pages = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                String title = "parallel " + i;
                pages.add(pool.submit(() -> syntheticReport(title).write(dir)));
            }
            for (Future<Path> page : pages) {
                assertThat(page.get(60, TimeUnit.SECONDS)).exists();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(ReportIndex.entries(dir)).hasSize(16);
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files.map(p -> p.getFileName().toString())).noneMatch(name -> name.endsWith(".part"));
        }
    }

    @Test
    void aPageWithoutRequestsStillChartsItsSeriesFromTheEarliestSample() throws Exception {
        Path page = ScenarioReport.named("Scaling only")
                .series("scaling", "metric", List.of(new Sample(START.plusSeconds(2), 10), new Sample(START.plusSeconds(12), 90)))
                .event(START.plusSeconds(7), "scale out")
                .write(dir);

        String html = Files.readString(page);
        assertThat(html).contains("<canvas id=\"chart-0\"").doesNotContain("chart-requests", "<h2>Requests</h2>");
        JsonNode data = embeddedData(html);
        assertThat(data.get("requests").isNull()).isTrue();
        assertThat(data.get("events").get(0).get("x").asDouble()).isEqualTo(5);
        assertThat(data.get("xMax").asDouble()).isEqualTo(10);
    }

    @Test
    void aFaultIsABandFromItsStartToItsEnd() throws Exception {
        Path page = ScenarioReport.named("A fault")
                .series("db", "errors", List.of(new Sample(START, 0), new Sample(START.plusSeconds(20), 0)))
                .band(START.plusSeconds(4), START.plusSeconds(9), "postgres unreachable")
                .write(dir);
        String html = Files.readString(page);
        JsonNode band = embeddedData(html).get("events").get(0);
        assertThat(band.get("x").asDouble()).isEqualTo(4);
        assertThat(band.get("xEnd").asDouble()).isEqualTo(9);
        assertThat(html).contains("4.000 to 9.000").contains("postgres unreachable");
        assertThatThrownBy(() -> ScenarioReport.named("x").band(START.plusSeconds(2), START, "backwards")).hasMessageContaining("an end after it");
    }

    @Test
    void slugsAndInputChecks() {
        assertThat(ScenarioReport.slug("Rolling deploy: v1 → v2 (min healthy 0 %)")).isEqualTo("rolling-deploy-v1-v2-min-healthy-0");
        assertThat(ScenarioReport.slug("→→")).isEqualTo("scenario");
        assertThat(ScenarioReport.slug("Index")).isEqualTo("index-scenario");
        assertThat(ScenarioReport.slug("x".repeat(200))).hasSize(80);
        assertThatThrownBy(() -> ScenarioReport.named(" ")).hasMessageContaining("title");
        assertThatThrownBy(() -> new Sample(START, Double.NaN)).hasMessageContaining("finite");
        assertThatThrownBy(() -> ScenarioReport.named("x").event(null, "e")).hasMessageContaining("needs a time");
    }

    @Test
    void defaultDirFollowsTheSystemProperty() {
        String before = System.getProperty(ScenarioReport.DIR_PROPERTY);
        try {
            System.clearProperty(ScenarioReport.DIR_PROPERTY);
            assertThat(ScenarioReport.defaultDir()).isEqualTo(Path.of("").toAbsolutePath().resolve("target/preflight-report"));
            System.setProperty(ScenarioReport.DIR_PROPERTY, dir.toString());
            assertThat(ScenarioReport.defaultDir()).isEqualTo(dir.toAbsolutePath());
        } finally {
            if (before == null) {
                System.clearProperty(ScenarioReport.DIR_PROPERTY);
            } else {
                System.setProperty(ScenarioReport.DIR_PROPERTY, before);
            }
        }
    }

    static JsonNode embeddedData(String html) throws Exception {
        String open = "<script type=\"application/json\" id=\"preflight-data\">";
        int from = html.indexOf(open);
        assertThat(from).as("embedded data element").isNotNegative();
        int to = html.indexOf("</script>", from);
        return new ObjectMapper().readTree(html.substring(from + open.length(), to));
    }
}
