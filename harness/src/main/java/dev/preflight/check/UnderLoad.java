package dev.preflight.check;

import dev.preflight.ecs.ServiceTimeline;
import dev.preflight.report.ScenarioReport;
import dev.preflight.traffic.LoadRun;
import dev.preflight.traffic.LoadSummary;
import dev.preflight.traffic.RequestRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A service under its check load while something happens to it (a deploy, a lost task, a rotation),
 * with its task timeline recorded: what the cutover, task-loss, bad-release and rotation checks share.
 * {@link #finish} stops the load once it has lasted its minimum, waits for the last answers and
 * returns their summary; {@link #page} writes the report page with the requests, the tasks by version
 * and the events.
 */
final class UnderLoad implements AutoCloseable {
    private final CheckContext ctx;
    private final ServiceTimeline timeline;
    private final LoadRun load;
    private final Duration minimum;
    private record Event(Instant at, String label) {
    }

    private final List<Event> events = new ArrayList<>();
    private LoadSummary summary;

    private UnderLoad(CheckContext ctx, String service, ServiceLoad load, Duration minimum, Duration longest) {
        this.ctx = ctx;
        this.minimum = minimum;
        this.timeline = ServiceTimeline.record(ctx.env().service(service));
        this.load = ctx.env().load(load.profile(longest.plus(minimum)));
    }

    /** Starts the load (lasting at least {@code minimum}, at most {@code minimum + longest}) and the timeline. */
    static UnderLoad start(CheckContext ctx, String service, ServiceLoad load, Duration minimum, Duration longest) {
        return new UnderLoad(ctx, service, load, minimum, longest);
    }

    /** Marks a moment on the page's charts. */
    void event(String label) {
        events.add(new Event(Instant.now(), label));
    }

    /** Lets the load run on for {@code d}: before an action, so the baseline's traffic is on record. */
    void settle(Duration d) {
        Waits.pause(d);
    }

    LoadSummary finish() {
        if (summary == null) {
            Waits.pause(Duration.between(Instant.now(), load.startedAt().plus(minimum)));
            load.stop();
            load.awaitCompletion(Duration.ofSeconds(90));
            summary = load.summary();
        }
        return summary;
    }

    List<RequestRecord> records() {
        return load.records();
    }

    /** Writes the check's page: the verdict, the requests, the service's tasks and events, and {@code sections}; returns its file name. */
    String page(String check, String service, Verdict verdict, String... sections) {
        finish();
        ScenarioReport report = ScenarioReport.named(ctx.pageTitle(check, service)).requests(load);
        timeline.addTo(report);
        events.forEach(e -> report.event(e.at(), e.label()));
        for (int i = 0; i + 1 < sections.length; i += 2) {
            report.section(sections[i], sections[i + 1]);
        }
        return ctx.writePage(report, verdict);
    }

    @Override
    public void close() {
        load.close();
        timeline.close();
    }
}
