package dev.preflight.traffic;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

/**
 * One running load: a scheduler thread that starts request {@code i} at {@code i / rps} seconds
 * whether or not earlier ones finished (an open model), and a record per request.
 *
 * <p>If the scheduler wakes late it sends the overdue requests at once, keeping their scheduled time,
 * so the delay shows as latency. When {@code maxConcurrency} requests are in flight, a due request is
 * recorded as failed ({@link RequestRecord#CONCURRENCY_LIMIT}) instead of being sent. The loop is
 * bounded by the profile's request count and ends by itself.
 */
public final class LoadRun implements AutoCloseable {
    /** Past the duration by this much the scheduler gives up the rest: the machine was frozen. */
    private static final long LATE_LIMIT_NANOS = TimeUnit.SECONDS.toNanos(5);
    /** Longest park, so a stop() is noticed quickly even without an unpark. */
    private static final long MAX_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final LoadProfile profile;
    private final LoadClient client;
    private final Responders responders;
    private final String tracePrefix;
    private final Instant startedAt;
    private final long startNanoTime;
    private final int total;
    private final AtomicReferenceArray<RequestRecord> records;
    private final AtomicLongArray sentAt;
    /** How many slots the scheduler has handed out (sent, refused or given up); only it writes. */
    private volatile int scheduled;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean schedulerDone;
    /** Set when a wait timed out: the records are final, later waits return at once. */
    private volatile boolean concluded;
    private final Object completion = new Object();
    private final Thread scheduler;

    LoadRun(LoadClient client, LoadProfile profile, Responders responders) {
        this.profile = profile;
        this.client = client;
        this.responders = responders;
        // AWS's Root form, 1-<epoch seconds, 8 hex>-<96 bits, 24 hex>: 8 random hex digits per run, 16 for the request
        this.tracePrefix = String.format("1-%08x-%08x", System.currentTimeMillis() / 1000, ThreadLocalRandom.current().nextInt());
        this.total = Math.toIntExact(profile.totalRequests());
        this.records = new AtomicReferenceArray<>(total);
        this.sentAt = new AtomicLongArray(total);
        this.startedAt = Instant.now();
        this.startNanoTime = System.nanoTime();
        this.scheduler = new Thread(this::schedule, "preflight-load-scheduler");
        scheduler.setDaemon(true);
        scheduler.start();
    }

    public Instant startedAt() {
        return startedAt;
    }

    /** The {@link System#nanoTime()} that the records' times are relative to. */
    public long startNanoTime() {
        return startNanoTime;
    }

    public LoadProfile profile() {
        return profile;
    }

    /** Stops scheduling new requests; those in flight still complete. Harmless to call twice. */
    public void stop() {
        if (stopping.compareAndSet(false, true)) {
            LockSupport.unpark(scheduler);
        }
    }

    /**
     * Waits until the schedule is done (or {@link #stop()}ped) and every request has completed. If
     * {@code timeout} passes first, scheduling stops and the requests still out are recorded as
     * failed with {@link RequestRecord#NOT_FINISHED}; their late answers are ignored, and later
     * calls (and {@link #close()}) no longer wait for them.
     */
    public LoadRun awaitCompletion(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        boolean interrupted = false;
        synchronized (completion) {
            while (!finished() && !concluded) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    break;
                }
                try {
                    completion.wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    interrupted = true;
                    break;
                }
            }
        }
        if (!finished() && !concluded) {
            stop();
            joinScheduler();
            giveUpInFlight();
            concluded = true;
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        return this;
    }

    /** The records so far, in schedule order; requests still in flight are not in it yet. */
    public List<RequestRecord> records() {
        int n = scheduled;
        List<RequestRecord> snapshot = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            RequestRecord r = records.get(i);
            if (r != null) {
                snapshot.add(r);
            }
        }
        return snapshot;
    }

    public LoadSummary summary() {
        return LoadSummary.of(records());
    }

    /** Stops, waits for the requests in flight (at most the request timeout and a little) and frees the client. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        stop();
        awaitCompletion(profile.requestTimeout().plusSeconds(2));
        client.close();
    }

    private boolean finished() {
        return schedulerDone && inFlight.get() == 0;
    }

    private long elapsed() {
        return System.nanoTime() - startNanoTime;
    }

    private void schedule() {
        long lateLimit = profile.duration().toNanos() + LATE_LIMIT_NANOS;
        try {
            for (int i = 0; i < total && !stopping.get(); i++) {
                long due = profile.scheduledNanos(i);
                for (long wait = due - elapsed(); wait > 0 && !stopping.get(); wait = due - elapsed()) {
                    LockSupport.parkNanos(Math.min(wait, MAX_PARK_NANOS));
                }
                if (stopping.get()) {
                    break;
                }
                long now = elapsed();
                if (now > lateLimit) {
                    giveUpRest(i, now);
                    break;
                }
                fire(i, due, now);
            }
        } finally {
            schedulerDone = true;
            signal();
        }
    }

    private void fire(int i, long due, long now) {
        if (inFlight.get() >= profile.maxConcurrency()) {
            records.set(i, new RequestRecord(due, now, now, 0, null, RequestRecord.CONCURRENCY_LIMIT, profile.path()));
            scheduled = i + 1;
            return;
        }
        inFlight.incrementAndGet();
        sentAt.set(i, now);
        scheduled = i + 1;
        String traceId = tracePrefix + String.format("%016x", i);
        client.send(traceId, outcome -> {
            long end = elapsed();
            Optional<Responders.Responder> responder = outcome.status() == 0 ? Optional.empty() : responders.of(traceId);
            String version = responder.map(Responders.Responder::version).orElse(outcome.version());
            records.compareAndSet(i, null, new RequestRecord(due, now, end, outcome.status(), version,
                    outcome.error(), profile.path(), responder.map(Responders.Responder::target).orElse(null)));
            if (inFlight.decrementAndGet() == 0) {
                signal();
            }
        });
    }

    private void giveUpRest(int from, long now) {
        for (int i = from; i < total; i++) {
            records.set(i, new RequestRecord(profile.scheduledNanos(i), now, now, 0, null,
                    RequestRecord.NOT_SENT_LATE, profile.path()));
        }
        scheduled = total;
    }

    private void giveUpInFlight() {
        long now = elapsed();
        int n = scheduled;
        for (int i = 0; i < n; i++) {
            if (records.get(i) == null) {
                records.compareAndSet(i, null, new RequestRecord(profile.scheduledNanos(i), sentAt.get(i), now, 0,
                        null, RequestRecord.NOT_FINISHED, profile.path()));
            }
        }
    }

    private void joinScheduler() {
        try {
            // it parks at most MAX_PARK_NANOS between checks of the stop flag
            scheduler.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void signal() {
        synchronized (completion) {
            completion.notifyAll();
        }
    }
}
