package dev.preflight.ecs;

import dev.preflight.report.Sample;
import dev.preflight.report.ScenarioReport;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Samples a service while a scenario runs: running tasks per version and the desired count, plus
 * its events, and puts them on a scenario report as the "tasks" chart and event marks.
 */
public final class ServiceTimeline implements AutoCloseable {
    private record Point(Instant at, Map<String, Integer> runningByVersion, int desired) {
    }

    private final ServiceScheduler service;
    private final List<Point> points = new ArrayList<>();
    private final ScheduledExecutorService sampler;
    private final Instant start = Instant.now();

    private ServiceTimeline(ServiceScheduler service, Duration every) {
        this.service = service;
        this.sampler = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "preflight-timeline-" + service.name());
            t.setDaemon(true);
            return t;
        });
        sampler.scheduleAtFixedRate(this::sample, 0, every.toMillis(), TimeUnit.MILLISECONDS);
    }

    public static ServiceTimeline record(ServiceScheduler service) {
        return new ServiceTimeline(service, Duration.ofMillis(100));
    }

    private void sample() {
        Map<String, Integer> byVersion = new LinkedHashMap<>();
        for (EcsTask t : service.runningTasks()) {
            byVersion.merge(t.version(), 1, Integer::sum);
        }
        synchronized (points) {
            points.add(new Point(Instant.now(), byVersion, service.desiredCount()));
        }
    }

    /** Adds the "tasks" chart (running per version, desired) and every service event since the start. */
    public ScenarioReport addTo(ScenarioReport report) {
        List<Point> copy;
        synchronized (points) {
            copy = List.copyOf(points);
        }
        TreeSet<String> versions = new TreeSet<>();
        copy.forEach(p -> versions.addAll(p.runningByVersion().keySet()));
        for (String version : versions) {
            report.series("tasks", "running " + version, copy.stream()
                    .map(p -> new Sample(p.at(), p.runningByVersion().getOrDefault(version, 0))).toList());
        }
        report.series("tasks", "desired", copy.stream().map(p -> new Sample(p.at(), p.desired())).toList());
        service.events().stream().filter(e -> !e.at().isBefore(start)).filter(e -> !e.type().equals(ServiceEvent.SERVICE)
                        || e.message().contains("steady state") || e.message().contains("unable") || e.message().contains("failed")
                        || e.message().contains("is unhealthy"))
                .forEach(e -> report.event(e.at(), shortLabel(e)));
        StringBuilder text = new StringBuilder();
        service.events().stream().filter(e -> !e.at().isBefore(start)).forEach(e -> text.append(e).append('\n'));
        report.section("Events of service " + service.name(), text.toString());
        tasks(report);
        return report;
    }

    /** Every task of the run with its CloudWatch log group and stream, and its log kept beside the page. */
    private void tasks(ScenarioReport report) {
        StringBuilder text = new StringBuilder();
        for (EcsTask t : service.tasks()) {
            if (t.createdAt().isBefore(start) && t.stopped()) {
                continue;
            }
            String log = t.process() == null ? "(never started)" : t.process().runsAs() + ", log group " + t.process().spec().logGroup()
                    + ", stream " + t.process().spec().logStream();
            text.append(String.format("%s  %-4s %-14s %s%s%n", t.taskId(), t.version(), t.lastStatus(), log,
                    t.stoppedReason() == null ? "" : "  stopped: " + t.stoppedReason()));
            if (t.process() != null) {
                report.attach("task " + t.taskId().substring(0, 8) + " (" + t.version() + ") log: "
                        + t.process().spec().logStream(), t.process().localLog());
            }
        }
        report.section("Tasks of service " + service.name() + " (CloudWatch Logs)", text.toString());
    }

    private static String shortLabel(ServiceEvent e) {
        return switch (e.type()) {
            case ServiceEvent.DEPLOYMENT_IN_PROGRESS -> e.message().startsWith("rollback") ? "rollback started" : "deployment started";
            case ServiceEvent.DEPLOYMENT_COMPLETED -> "deployment completed";
            case ServiceEvent.DEPLOYMENT_FAILED -> "deployment failed (circuit breaker)";
            case ServiceEvent.STEADY_STATE -> "steady state";
            case ServiceEvent.DEADLINE -> deadlineLabel(e.message());
            default -> e.message().length() > 60 ? e.message().substring(0, 60) + "..." : e.message();
        };
    }

    /** "stopTimeout 2 s ran out: SIGKILL", "deregistration delay 1 s ran out: 3 cut", "declared unhealthy". */
    private static String deadlineLabel(String message) {
        if (message.startsWith("stopTimeout")) {
            return message.substring(0, message.indexOf(" (real time)")) + ": SIGKILL";
        }
        if (message.startsWith("deregistration delay")) {
            return message.substring(0, message.indexOf(" (real time)")) + " ran out: requests cut (502)";
        }
        return message.contains("declared unhealthy") ? "task declared unhealthy" : message;
    }

    @Override
    public void close() {
        sampler.shutdownNow();
    }
}
