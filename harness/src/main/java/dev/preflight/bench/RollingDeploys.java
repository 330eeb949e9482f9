package dev.preflight.bench;

import dev.preflight.alb.TargetGroupMetrics.ElbError;
import dev.preflight.alb.TargetGroupRuntime;
import dev.preflight.deploy.DeployPipeline;
import dev.preflight.deploy.DeployResult;
import dev.preflight.ecs.EcsRuntime;
import dev.preflight.traffic.LoadGenerator;
import dev.preflight.traffic.LoadProfile;
import dev.preflight.traffic.LoadRun;
import dev.preflight.traffic.LoadSummary;
import dev.preflight.traffic.RequestRecord;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Part 1 of the bench: consecutive rolling deploys of api (3 tasks) under a constant load through
 * the load balancer. A deploy with minimum healthy 100 % and drained targets must lose no request:
 * every failed one is listed with its status, time, target and error and the timeline around it
 * (target states, service events), and any failure fails the bench.
 */
final class RollingDeploys {
    static final String SERVICE = "api";
    static final String PATH = "/api/version";
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS", Locale.ROOT)
            .withZone(ZoneId.systemDefault());

    /** One failed request and what the load balancer knew of it. */
    record Failure(int deploy, Instant at, long nanoTime, double secondsIntoDeploy, RequestRecord record, ElbError elb) {
    }

    record Result(List<Double> seconds, long requests, List<Failure> failures, List<String> deployErrors) {
        boolean failed() {
            return !failures.isEmpty() || !deployErrors.isEmpty();
        }
    }

    private final EcsRuntime runtime;
    private final DeployPipeline pipeline;
    private final Map<String, String> imageEnv;
    private final double rate;
    private final Timeline timeline;
    private final PrintStream out;

    RollingDeploys(EcsRuntime runtime, DeployPipeline pipeline, Map<String, String> imageEnv, double rate, Timeline timeline,
                   PrintStream out) {
        this.runtime = runtime;
        this.pipeline = pipeline;
        this.imageEnv = imageEnv;
        this.rate = rate;
        this.timeline = timeline;
        this.out = out;
    }

    Result run(int deploys) {
        TargetGroupRuntime group = runtime.loadBalancer().targetGroup(SERVICE);
        List<Double> seconds = new ArrayList<>();
        List<Failure> failures = new ArrayList<>();
        List<String> deployErrors = new ArrayList<>();
        Set<ElbError> claimed = new HashSet<>();
        long requests = 0;
        for (int i = 1; i <= deploys; i++) {
            String version = "v" + i;
            timeline.add("deploy " + i + " (" + version + ") starts");
            LoadProfile profile = LoadProfile.of(rate, Duration.ofMinutes(5)).withPath(PATH);
            DeployResult result;
            LoadSummary summary;
            List<RequestRecord> records;
            long loadStart;
            Instant loadStartedAt;
            try (LoadRun load = LoadGenerator.start(runtime.loadBalancer().url(), profile)) {
                loadStart = load.startNanoTime();
                loadStartedAt = load.startedAt();
                result = pipeline.deploy(SERVICE, version, imageEnv, Duration.ofMinutes(2));
                load.stop();
                load.awaitCompletion(Duration.ofSeconds(40));
                records = load.records();
                summary = load.summary();
            }
            timeline.add("deploy " + i + " (" + version + ") ends: " + result.result());
            double s = result.duration().toMillis() / 1000.0;
            requests += summary.total();
            if (result.succeeded()) {
                seconds.add(s);
            } else {
                deployErrors.add("deploy " + i + " (" + version + "): " + result.result() + ": " + result.reason());
            }
            List<ElbError> elbErrors = group.metrics().recentElbErrors();
            List<Failure> these = new ArrayList<>();
            for (RequestRecord r : records) {
                if (!r.ok()) {
                    ElbError elb = match(r, loadStart, elbErrors, claimed);
                    these.add(new Failure(i, loadStartedAt.plusNanos(r.startNanos()), loadStart + r.startNanos(), r.startNanos() / 1e9, r, elb));
                }
            }
            failures.addAll(these);
            // Real seconds: a deploy waits on both clocks (real health checks and drains, compressed rests), so it has no "AWS time".
            out.printf(Locale.ROOT, "  deploy %2d: %5.2f s to steady state  %4d requests, %d failed%s%n", i, s,
                    summary.total(), these.size(),
                    result.succeeded() ? "" : "  DEPLOY " + result.result() + ": " + result.reason());
            if (!these.isEmpty()) {
                out.println("      " + summary.describe());
            }
        }
        return new Result(seconds, requests, failures, deployErrors);
    }

    /** The load balancer's own answer to this request, if it made one: same status, within the request's time. */
    private static ElbError match(RequestRecord r, long loadStart, List<ElbError> errors, Set<ElbError> claimed) {
        long start = loadStart + r.startNanos();
        long end = loadStart + r.endNanos();
        ElbError best = null;
        for (ElbError e : errors) {
            boolean statusFits = r.status() == 0 || r.status() == e.status();
            if (statusFits && !claimed.contains(e) && e.nanoTime() >= start - 1_000_000 && e.nanoTime() <= end + 1_000_000
                    && (best == null || Math.abs(e.nanoTime() - end) < Math.abs(best.nanoTime() - end))) {
                best = e;
            }
        }
        if (best != null) {
            claimed.add(best);
        }
        return best;
    }

    /**
     * Every failed request, one per line, in time order; the timeline around a failure is printed
     * once per burst (failures within a second of the last printed timeline share it).
     */
    void printFailures(List<Failure> failures) {
        if (failures.isEmpty()) {
            return;
        }
        out.println();
        out.println("  Failed requests (" + failures.size() + "): deploy, sent at, seconds into the deploy's load, status, target, error");
        List<Failure> sorted = new ArrayList<>(failures);
        sorted.sort((a, b) -> Long.compare(a.nanoTime(), b.nanoTime()));
        long contextUntil = Long.MIN_VALUE;
        for (Failure f : sorted) {
            RequestRecord r = f.record();
            String target = f.elb() != null ? (f.elb().targetId() == null ? "(none chosen)" : f.elb().targetId())
                    : "(none: the load balancer made no answer of its own)";
            String error = r.error() != null ? r.error() : "HTTP " + r.status();
            long endNanos = f.nanoTime() + (r.endNanos() - r.startNanos());
            out.printf(Locale.ROOT, "    deploy %2d  %s  +%6.3f s  status %3d  target %s  error: %s  (failed %.1f ms after it was sent)%n",
                    f.deploy(), CLOCK.format(f.at()), f.secondsIntoDeploy(), r.status(), target, error,
                    (r.endNanos() - r.startNanos()) / 1e6);
            if (f.elb() != null && f.elb().cause() != null) {
                out.println("        load balancer answered " + f.elb().status() + " because " + f.elb().cause());
            }
            if (endNanos > contextUntil) {
                Instant end = f.at().plusNanos(r.endNanos() - r.startNanos());
                out.println("        around " + CLOCK.format(end) + ":");
                for (Timeline.Line line : timeline.around(endNanos, 1_500_000_000L, 500_000_000L)) {
                    out.printf(Locale.ROOT, "        %s (%+6d ms)  %s%n", CLOCK.format(line.at()),
                            Duration.between(end, line.at()).toMillis(), line.text());
                }
                contextUntil = endNanos + 1_000_000_000L;
            }
        }
    }
}
