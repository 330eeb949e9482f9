package dev.preflight.report;

import dev.preflight.traffic.LoadSummary;
import dev.preflight.traffic.RequestRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Renders one {@link ScenarioReport} as an HTML page. The page's own markup carries the text (all
 * escaped); the charts are drawn by {@code assets/preflight-report.js} from the JSON embedded in
 * {@code <script id="preflight-data">}. The {@code preflight-*} meta tags let the index read a page
 * back without parsing it.
 */
final class ScenarioPage {
    static final String DATA_ELEMENT_ID = "preflight-data";
    static final String PASSED = "PASSED";
    static final String FAILED = "FAILED";
    static final String NO_VERDICT = "NO VERDICT";
    /** A scenario misconfigured on purpose whose failure the harness saw. */
    static final String CAUGHT = "CAUGHT";
    /** ... and one whose failure it did not see. */
    static final String MISSED = "MISSED";

    /** How many of the slowest requests a page lists. */
    private static final int SLOWEST = 8;

    private final StringBuilder out = new StringBuilder(16 * 1024);
    private final ScenarioReport report;

    private ScenarioPage(ScenarioReport report) {
        this.report = report;
    }

    static String render(ScenarioReport report, Instant written) {
        return new ScenarioPage(report).page(written);
    }

    static String verdictWord(ScenarioReport report) {
        Boolean passed = report.passed();
        if (passed == null) {
            return NO_VERDICT;
        }
        if (report.misconfiguredOnPurpose()) {
            return passed ? CAUGHT : MISSED;
        }
        return passed ? PASSED : FAILED;
    }

    private String page(Instant written) {
        Instant origin = origin(written);
        PageData data = data(origin);
        String verdict = verdictWord(report);
        line("<!DOCTYPE html>");
        line("<html lang=\"en\">");
        line("<head>");
        line("<meta charset=\"utf-8\">");
        line("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        meta("title", report.title());
        meta("verdict", verdict);
        meta("summary", report.verdictSummary());
        meta("written", written.toString());
        line("<title>" + Html.escape(verdict + " · " + report.title()) + " · Preflight</title>");
        line("<link rel=\"stylesheet\" href=\"assets/" + ReportAssets.REPORT_CSS + "\">");
        line("</head>");
        line("<body>");
        line("<p class=\"nav\"><a href=\"" + ScenarioReport.INDEX + "\">All scenarios</a></p>");
        line("<h1>" + Html.escape(report.title()) + "</h1>");
        line("<div class=\"verdict " + cssClass(verdict) + "\"><strong>" + verdict + "</strong> "
                + Html.escape(report.verdictSummary()) + "</div>");
        line("<p class=\"meta\">Time zero: " + Html.time(origin) + " · written " + Html.time(written) + "</p>");
        tables();
        charts(data);
        requestSummary();
        events(data.events());
        for (ScenarioReport.Section section : report.sections()) {
            line("<h2>" + Html.escape(section.heading()) + "</h2>");
            line("<pre>" + Html.escape(section.text()) + "</pre>");
        }
        if (!report.attachments().isEmpty()) {
            line("<h2>Files</h2>");
            line("<ul>");
            for (ScenarioReport.Attachment a : report.attachments()) {
                line(java.nio.file.Files.isRegularFile(a.source())
                        ? "<li><a href=\"" + Html.escape(a.href()) + "\">" + Html.escape(a.label()) + "</a></li>"
                        : "<li>" + Html.escape(a.label()) + " (missing)</li>");
            }
            line("</ul>");
        }
        line("<script type=\"application/json\" id=\"" + DATA_ELEMENT_ID + "\">" + HtmlSafeJson.write(data) + "</script>");
        script(ReportAssets.CHART_JS);
        script(ReportAssets.ANNOTATION_JS);
        script(ReportAssets.REPORT_JS);
        line("</body>");
        line("</html>");
        return out.toString();
    }

    private void tables() {
        for (ScenarioReport.Table t : report.tables()) {
            line("<h2>" + Html.escape(t.heading()) + "</h2>");
            line("<table class=\"index\">");
            StringBuilder head = new StringBuilder("<tr>");
            t.columns().forEach(c -> head.append("<th>").append(Html.escape(c)).append("</th>"));
            line(head.append("</tr>").toString());
            for (int r = 0; r < t.rows().size(); r++) {
                List<String> row = t.rows().get(r);
                String link = r < t.links().size() ? t.links().get(r) : null;
                StringBuilder tr = new StringBuilder("<tr>");
                for (int c = 0; c < row.size(); c++) {
                    String cell = Html.escape(row.get(c));
                    if (c == 0 && link != null) {
                        cell = "<a href=\"" + Html.escape(link) + "\">" + cell + "</a>";
                    }
                    String css = t.columns().get(c).equalsIgnoreCase("verdict") ? " class=\"verdict-cell " + cssClass(row.get(c)) + "\"" : "";
                    tr.append("<td").append(css).append(">").append(cell).append("</td>");
                }
                line(tr.append("</tr>").toString());
            }
            line("</table>");
        }
    }

    private void charts(PageData data) {
        if (data.requests() == null && data.charts().isEmpty()) {
            return;
        }
        line("<h2>Timeline</h2>");
        line("<p class=\"hint\">Seconds since time zero; dashed lines are the numbered events below, shaded bands the faults while they lasted.</p>");
        if (data.requests() != null) {
            canvas("chart-requests", "Requests per second (ok / failed)");
            canvas("chart-latency", "p99 latency per second (ms)");
        }
        for (int i = 0; i < data.charts().size(); i++) {
            canvas("chart-" + i, data.charts().get(i).name());
        }
    }

    private void canvas(String id, String label) {
        line("<figure class=\"chart\"><figcaption>" + Html.escape(label) + "</figcaption>"
                + "<div class=\"plot\"><canvas id=\"" + id + "\" role=\"img\" aria-label=\"" + Html.escape(label)
                + "\"></canvas></div></figure>");
    }

    private void requestSummary() {
        if (report.records() == null) {
            return;
        }
        LoadSummary s = LoadSummary.of(report.records());
        line("<h2>Requests</h2>");
        line("<table class=\"summary\">");
        row("total", Long.toString(s.total()));
        row("ok", Long.toString(s.ok()));
        row("failed", Long.toString(s.failed()));
        row("by status", counts(s.byStatus()));
        row("by version", counts(s.byVersion()));
        row("errors", counts(s.errors()));
        row("latency p50 / p90 / p99 / max", String.format(Locale.ROOT, "%.1f / %.1f / %.1f / %.1f ms",
                s.p50Millis(), s.p90Millis(), s.p99Millis(), s.maxMillis()));
        row("achieved rate", String.format(Locale.ROOT, "%.1f requests/s", s.achievedRps()));
        line("</table>");
        slowest(report.records());
    }

    /** The slowest requests with the target that answered them: where a latency spike came from. */
    private void slowest(List<RequestRecord> records) {
        List<RequestRecord> slow = records.stream().filter(RequestRecord::sent)
                .sorted(Comparator.comparingLong(RequestRecord::latencyNanos).reversed()).limit(SLOWEST).toList();
        if (slow.isEmpty()) {
            return;
        }
        line("<h3>Slowest requests</h3>");
        line("<table class=\"events\">");
        line("<tr><th>t (s)</th><th>latency (ms)</th><th>status</th><th>target</th><th>path</th></tr>");
        for (RequestRecord r : slow) {
            line("<tr><td class=\"num\">" + String.format(Locale.ROOT, "%.3f", r.scheduledNanos() / 1e9) + "</td><td class=\"num\">"
                    + String.format(Locale.ROOT, "%.1f", r.latencyMillis()) + "</td><td>"
                    + Html.escape(r.error() != null ? r.error() : Integer.toString(r.status())) + "</td><td>"
                    + Html.escape(r.target() == null ? "-" : r.target()) + "</td><td>" + Html.escape(String.valueOf(r.path())) + "</td></tr>");
        }
        line("</table>");
    }

    private void events(List<PageData.Event> events) {
        if (events.isEmpty()) {
            return;
        }
        line("<h2>Events</h2>");
        line("<table class=\"events\">");
        line("<tr><th>#</th><th>t (s)</th><th>time</th><th>event</th></tr>");
        for (PageData.Event e : events) {
            line("<tr><td>" + e.number() + "</td><td class=\"num\">" + String.format(Locale.ROOT, "%.3f", e.x())
                    + (e.xEnd() == null ? "" : String.format(Locale.ROOT, " to %.3f", e.xEnd()))
                    + "</td><td>" + Html.time(Instant.parse(e.at())) + "</td><td>" + Html.escape(e.label()) + "</td></tr>");
        }
        line("</table>");
    }

    private PageData data(Instant origin) {
        RequestTimeline requests = report.records() == null ? null : RequestTimeline.of(report.records());
        List<PageData.Chart> charts = new ArrayList<>();
        double min = 0;
        double max = requests == null ? 0 : requests.seconds();
        for (Map.Entry<String, Map<String, List<Sample>>> chart : report.charts().entrySet()) {
            List<PageData.Series> series = new ArrayList<>();
            for (Map.Entry<String, List<Sample>> s : chart.getValue().entrySet()) {
                List<PageData.Point> points = new ArrayList<>();
                for (Sample sample : s.getValue()) {
                    double x = seconds(origin, sample.at());
                    min = Math.min(min, x);
                    max = Math.max(max, x);
                    points.add(new PageData.Point(x, sample.value()));
                }
                series.add(new PageData.Series(s.getKey(), points));
            }
            charts.add(new PageData.Chart(chart.getKey(), series));
        }
        List<PageData.Event> events = new ArrayList<>();
        for (ScenarioReport.Event e : report.events()) {
            double x = seconds(origin, e.at());
            Double end = e.end() == null ? null : seconds(origin, e.end());
            min = Math.min(min, x);
            max = Math.max(max, end == null ? x : end);
            events.add(new PageData.Event(events.size() + 1, x, end, e.at().toString(), e.label()));
        }
        return new PageData(report.title(), origin.toString(), Math.floor(min), Math.max(1, Math.ceil(max)),
                requests, charts, events);
    }

    /** The run's start when there was load; otherwise the earliest thing on the page. */
    private Instant origin(Instant written) {
        if (report.runStart() != null) {
            return report.runStart();
        }
        return Stream.concat(report.events().stream().map(ScenarioReport.Event::at),
                        report.charts().values().stream().flatMap(c -> c.values().stream())
                                .flatMap(List::stream).map(Sample::at))
                .min(Instant::compareTo).orElse(written);
    }

    private static double seconds(Instant origin, Instant at) {
        return Math.round(Duration.between(origin, at).toNanos() / 1e6) / 1000.0;
    }

    private static String counts(Map<?, Long> counts) {
        if (counts.isEmpty()) {
            return "-";
        }
        StringBuilder s = new StringBuilder();
        counts.forEach((k, v) -> s.append(s.length() == 0 ? "" : ", ").append(k).append(": ").append(v));
        return s.toString();
    }

    /** The CSS class of a verdict word, here and in the index. */
    static String cssClass(String verdict) {
        return switch (verdict) {
            case PASSED -> "passed";
            case CAUGHT -> "caught";
            case FAILED, MISSED -> "failed";
            default -> "none";
        };
    }

    private void row(String name, String value) {
        line("<tr><th>" + Html.escape(name) + "</th><td>" + Html.escape(value) + "</td></tr>");
    }

    private void meta(String name, String content) {
        // one line per tag, so the index can read the head line by line
        String flat = content.replaceAll("\\s+", " ").strip();
        line("<meta name=\"preflight-" + name + "\" content=\"" + Html.escape(flat) + "\">");
    }

    private void script(String asset) {
        line("<script src=\"assets/" + asset + "\"></script>");
    }

    private void line(String text) {
        out.append(text).append('\n');
    }
}
