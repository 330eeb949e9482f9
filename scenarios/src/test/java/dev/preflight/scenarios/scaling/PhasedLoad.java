package dev.preflight.scenarios.scaling;

import dev.preflight.report.Sample;
import dev.preflight.traffic.LoadGenerator;
import dev.preflight.traffic.LoadProfile;
import dev.preflight.traffic.LoadRun;
import dev.preflight.traffic.LoadSummary;
import dev.preflight.traffic.RequestRecord;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Open-model load in phases back to back (e.g. 50 requests/s for 16 s, then 3 requests/s): one
 * {@link LoadRun} per phase, each started when the previous one's schedule ends, with every record
 * kept on one time axis from the first phase's start.
 */
final class PhasedLoad implements AutoCloseable {
    record Phase(double requestsPerSecond, Duration duration) {
    }

    private final URI base;
    private final String path;
    private final List<Phase> phases;
    private final List<LoadRun> runs = new CopyOnWriteArrayList<>();
    private final List<Instant> starts = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "preflight-phased-load");
        t.setDaemon(true);
        return t;
    });
    private final Instant startedAt;
    private final long startNanos;

    private PhasedLoad(URI base, String path, List<Phase> phases) {
        this.base = base;
        this.path = path;
        this.phases = List.copyOf(phases);
        this.startedAt = Instant.now();
        this.startNanos = System.nanoTime();
        long offset = 0;
        for (Phase phase : this.phases) {
            scheduler.schedule(() -> startPhase(phase), offset, TimeUnit.NANOSECONDS);
            offset += phase.duration().toNanos();
        }
    }

    static PhasedLoad start(URI base, String path, Phase... phases) {
        return new PhasedLoad(base, path, List.of(phases));
    }

    private void startPhase(Phase phase) {
        starts.add(Instant.now());
        runs.add(LoadGenerator.start(base, LoadProfile.of(phase.requestsPerSecond(), phase.duration())
                .withPath(path).withMaxConcurrency(200).withRequestTimeout(Duration.ofSeconds(10))));
    }

    Instant startedAt() {
        return startedAt;
    }

    /** When phase {@code index} began sending (the planned time if it has not begun yet). */
    Instant phaseStart(int index) {
        if (index < starts.size()) {
            return starts.get(index);
        }
        Duration offset = phases.subList(0, index).stream().map(Phase::duration).reduce(Duration.ZERO, Duration::plus);
        return startedAt.plus(offset);
    }

    Duration totalDuration() {
        return phases.stream().map(Phase::duration).reduce(Duration.ZERO, Duration::plus);
    }

    /** Waits for every phase to be sent and answered. */
    PhasedLoad awaitCompletion(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (runs.size() < phases.size() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (LoadRun run : runs) {
            run.awaitCompletion(Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
        }
        return this;
    }

    /** Every request of every phase, its times relative to the first phase's start. */
    List<RequestRecord> records() {
        List<RequestRecord> all = new ArrayList<>();
        for (LoadRun run : runs) {
            long offset = run.startNanoTime() - startNanos;
            for (RequestRecord r : run.records()) {
                all.add(new RequestRecord(r.scheduledNanos() + offset, r.startNanos() + offset, r.endNanos() + offset, r.status(),
                        r.version(), r.error(), r.path()));
            }
        }
        return all;
    }

    LoadSummary summary() {
        return LoadSummary.of(records());
    }

    /** The offered load (requests/s) over time, for the report's chart. */
    List<Sample> offered() {
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < phases.size(); i++) {
            Instant from = phaseStart(i);
            samples.add(new Sample(from, phases.get(i).requestsPerSecond()));
        }
        samples.add(new Sample(phaseStart(phases.size() - 1).plus(phases.get(phases.size() - 1).duration()), 0));
        return samples;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        runs.forEach(LoadRun::close);
    }
}
