package dev.preflight.report;

import dev.preflight.traffic.LoadRun;
import dev.preflight.traffic.RequestRecord;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What happened in one scenario, for a person: an HTML page with a timeline (requests per second,
 * p99 latency, extra series such as running tasks per version), the events drawn on every chart,
 * free-text sections and the verdict, linked from the folder's {@code index.html}.
 *
 * <pre>{@code
 * ScenarioReport.named("Rolling deploy keeps serving")
 *         .requests(run.records(), run.startedAt())
 *         .series("tasks", "running v2", samples)
 *         .event(deployStarted, "deploy v2 started")
 *         .verdict(summary.failed() == 0, summary.describe())
 *         .write(ScenarioReport.defaultDir());
 * }</pre>
 *
 * Build a report on one thread; {@link #write} may run from many threads and JVMs at once.
 */
public final class ScenarioReport {
    public static final String DIR_PROPERTY = "preflight.report.dir";
    static final String INDEX = "index.html";

    /** A moment, or with {@code end} a stretch of time (a fault while it lasted). */
    record Event(Instant at, Instant end, String label) {
    }

    /** A file copied next to the page and linked from it, e.g. a task's log. */
    record Attachment(String label, Path source, String href) {
    }

    record Section(String heading, String text) {
    }

    /** A table shown before the charts; {@code links} holds each row's page (for its first cell) or null. */
    record Table(String heading, List<String> columns, List<List<String>> rows, List<String> links) {
    }

    private final String title;
    private final String slug;
    private List<RequestRecord> records;
    private Instant runStart;
    private final Map<String, Map<String, List<Sample>>> charts = new LinkedHashMap<>();
    private final List<Event> events = new ArrayList<>();
    private final List<Section> sections = new ArrayList<>();
    private final List<Attachment> attachments = new ArrayList<>();
    private final List<Table> tables = new ArrayList<>();
    private Boolean passed;
    private boolean misconfiguredOnPurpose;
    private String verdictSummary = "";

    private ScenarioReport(String title) {
        this.title = title;
        this.slug = slug(title);
    }

    /** A report whose page is named after the title's slug ("Rolling deploy: v1 → v2" → rolling-deploy-v1-v2.html). */
    public static ScenarioReport named(String title) {
        if (title == null || title.isBlank()) {
            throw new IllegalArgumentException("a scenario report needs a title");
        }
        return new ScenarioReport(title.strip());
    }

    /** The folder given by -Dpreflight.report.dir, else target/preflight-report in the working folder. */
    public static Path defaultDir() {
        String configured = System.getProperty(DIR_PROPERTY);
        if (configured != null && !configured.isBlank()) {
            return Path.of(configured.strip()).toAbsolutePath();
        }
        return Path.of("").toAbsolutePath().resolve("target").resolve("preflight-report");
    }

    /**
     * The requests of the scenario's load, charted per second of the time they were due. Their
     * times are relative to {@code runStart}, which also becomes the charts' zero.
     */
    public ScenarioReport requests(List<RequestRecord> records, Instant runStart) {
        if (records == null || runStart == null) {
            throw new IllegalArgumentException("requests need the records and the run's start time");
        }
        this.records = List.copyOf(records);
        this.runStart = runStart;
        return this;
    }

    /** Shorthand for {@code requests(run.records(), run.startedAt())}. */
    public ScenarioReport requests(LoadRun run) {
        return requests(run.records(), run.startedAt());
    }

    /**
     * A line on the chart named {@code chart} (one chart per name, in the order first used), drawn as
     * steps: each sample's value holds until the next. The same chart and name again replaces it.
     */
    public ScenarioReport series(String chart, String name, List<Sample> samples) {
        if (chart == null || chart.isBlank() || name == null || name.isBlank() || samples == null) {
            throw new IllegalArgumentException("a series needs a chart name, a series name and samples, got chart="
                    + chart + ", name=" + name);
        }
        List<Sample> sorted = new ArrayList<>(samples);
        sorted.sort(Comparator.comparing(Sample::at));
        charts.computeIfAbsent(chart.strip(), c -> new LinkedHashMap<>()).put(name.strip(), List.copyOf(sorted));
        return this;
    }

    /** A moment worth marking (deploy started, target drained, ...): a vertical line on every chart and a table row. */
    public ScenarioReport event(Instant at, String label) {
        if (at == null) {
            throw new IllegalArgumentException("an event needs a time: " + label);
        }
        events.add(new Event(at, null, label == null ? "" : label));
        return this;
    }

    /** A stretch of time worth marking (a fault while it lasted): a shaded band on every chart and a table row. */
    public ScenarioReport band(Instant from, Instant to, String label) {
        if (from == null || to == null || to.isBefore(from)) {
            throw new IllegalArgumentException("a band needs a start and an end after it: " + label);
        }
        events.add(new Event(from, to, label == null ? "" : label));
        return this;
    }

    /** A block of preformatted text under a heading (topology, deployment events, logs). */
    public ScenarioReport section(String heading, String preformattedText) {
        sections.add(new Section(heading == null ? "" : heading, preformattedText == null ? "" : preformattedText));
        return this;
    }

    /**
     * A file to keep with the page (copied into {@code <slug>-files/} when the page is written) and
     * link from it under "Files", e.g. each task's log. A file that no longer exists is listed as missing.
     */
    public ScenarioReport attach(String label, Path file) {
        String name = String.format("%02d-%s", attachments.size() + 1, file.getFileName().toString().replaceAll("[^A-Za-z0-9._-]", "_"));
        attachments.add(new Attachment(label == null ? name : label, file, slug + "-files/" + name));
        return this;
    }

    public ScenarioReport verdict(boolean passed, String summary) {
        this.passed = passed;
        this.misconfiguredOnPurpose = false;
        this.verdictSummary = summary == null ? "" : summary;
        return this;
    }

    /**
     * The verdict of a scenario that misconfigures the environment on purpose: CAUGHT (as intended)
     * when the harness saw the failure it was set up to show, MISSED when it did not. The index counts
     * these apart from passed and failed scenarios.
     */
    public ScenarioReport caughtAsIntended(boolean caught, String summary) {
        verdict(caught, summary);
        this.misconfiguredOnPurpose = true;
        return this;
    }

    /** A table shown first on the page, e.g. a gate's verdicts; {@code links}: each row's page, or null (may be shorter). */
    public ScenarioReport table(String heading, List<String> columns, List<List<String>> rows, List<String> links) {
        tables.add(new Table(heading, List.copyOf(columns), rows.stream().map(List::copyOf).toList(),
                links == null ? List.of() : new ArrayList<>(links)));
        return this;
    }

    /**
     * Writes {@code <slug>.html} and the chart assets into {@code reportDir}, then rewrites
     * {@code index.html} to list every page there. Returns the page's path.
     */
    public Path write(Path reportDir) {
        Instant written = Instant.now();
        byte[] html = ScenarioPage.render(this, written).getBytes(StandardCharsets.UTF_8);
        return ReportFiles.locked(reportDir, () -> {
            ReportAssets.copyInto(reportDir);
            for (Attachment a : attachments) {
                if (java.nio.file.Files.isRegularFile(a.source())) {
                    Path target = reportDir.resolve(a.href());
                    java.nio.file.Files.createDirectories(target.getParent());
                    java.nio.file.Files.copy(a.source(), target, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
            Path page = reportDir.resolve(slug + ".html");
            ReportFiles.writeAtomically(page, html);
            ReportIndex.rewrite(reportDir);
            return page;
        });
    }

    /**
     * One line on a report folder, for the end of {@code make run}: e.g. "14 scenarios: 10 passed, 0 failed,
     * 4 caught as intended; report: /abs/target/preflight-report/index.html".
     */
    public static String summarize(Path reportDir) {
        Path index = reportDir.toAbsolutePath().normalize().resolve(INDEX);
        if (!java.nio.file.Files.isDirectory(reportDir)) {
            return "no report in " + reportDir.toAbsolutePath().normalize() + " (no scenario wrote a page)";
        }
        try {
            List<ReportIndex.Entry> entries = ReportIndex.entries(reportDir);
            Map<String, Long> counts = new LinkedHashMap<>();
            entries.forEach(e -> counts.merge(e.verdict(), 1L, Long::sum));
            return entries.size() + " scenarios: " + counts.getOrDefault(ScenarioPage.PASSED, 0L) + " passed, "
                    + (counts.getOrDefault(ScenarioPage.FAILED, 0L) + counts.getOrDefault(ScenarioPage.MISSED, 0L)) + " failed, "
                    + counts.getOrDefault(ScenarioPage.CAUGHT, 0L) + " caught as intended; report: " + index;
        } catch (java.io.IOException e) {
            return "cannot read the report in " + reportDir + ": " + e.getMessage();
        }
    }

    static String slug(String title) {
        String slug = title.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-").replaceAll("^-+|-+$", "");
        if (slug.length() > 80) {
            slug = slug.substring(0, 80).replaceAll("-+$", "");
        }
        if (slug.isEmpty()) {
            return "scenario";
        }
        return slug.equals("index") ? "index-scenario" : slug;
    }

    String title() {
        return title;
    }

    String slug() {
        return slug;
    }

    /** Null when no requests were given. */
    List<RequestRecord> records() {
        return records;
    }

    Instant runStart() {
        return runStart;
    }

    Map<String, Map<String, List<Sample>>> charts() {
        return Collections.unmodifiableMap(charts);
    }

    List<Event> events() {
        List<Event> sorted = new ArrayList<>(events);
        sorted.sort(Comparator.comparing(Event::at));
        return sorted;
    }

    List<Attachment> attachments() {
        return Collections.unmodifiableList(attachments);
    }

    List<Section> sections() {
        return Collections.unmodifiableList(sections);
    }

    /** Null when no verdict was given. */
    Boolean passed() {
        return passed;
    }

    boolean misconfiguredOnPurpose() {
        return misconfiguredOnPurpose;
    }

    List<Table> tables() {
        return Collections.unmodifiableList(tables);
    }

    String verdictSummary() {
        return verdictSummary;
    }
}
