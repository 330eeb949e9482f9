package dev.preflight.bench;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * The in-JVM closed-loop client, used when wrk is not installed: {@code connections} requests
 * always in flight for a fixed time (each finished request immediately starts the next), counting
 * the completed ones and recording each one's latency.
 */
final class ThroughputProbe implements ClosedLoopClient {
    private final String why;

    ThroughputProbe(String why) {
        this.why = why;
    }

    @Override
    public String describe() {
        return "in-JVM closed loop (Jetty HttpClient in the bench's JVM; " + why + ")";
    }

    @Override
    public LoadResult run(URI url, int connections, Duration duration) throws Exception {
        return measure(url, connections, duration);
    }

    static LoadResult measure(URI url, int concurrency, Duration duration) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(16, 4);
        threads.setName("bench-probe");
        threads.setDaemon(true);
        HttpClient client = new HttpClient();
        client.setExecutor(threads);
        client.setMaxConnectionsPerDestination(concurrency);
        client.start();
        try {
            AtomicLong ok = new AtomicLong();
            AtomicLong failed = new AtomicLong();
            Recorder latencyMicros = new Recorder(3);
            long end = System.nanoTime() + duration.toNanos();
            CountDownLatch done = new CountDownLatch(concurrency);
            long start = System.nanoTime();
            for (int i = 0; i < concurrency; i++) {
                next(client, url, end, ok, failed, latencyMicros, done);
            }
            done.await(duration.toSeconds() + 30, TimeUnit.SECONDS);
            double seconds = (System.nanoTime() - start) / 1e9;
            var histogram = latencyMicros.getIntervalHistogram();
            return new LoadResult(ok.get() / seconds, histogram.getValueAtPercentile(50) / 1000.0,
                    histogram.getValueAtPercentile(99) / 1000.0, ok.get() + failed.get(), failed.get());
        } finally {
            client.stop();
        }
    }

    private static void next(HttpClient client, URI url, long end, AtomicLong ok, AtomicLong failed, Recorder latency,
                             CountDownLatch done) {
        long sent = System.nanoTime();
        if (sent >= end) {
            done.countDown();
            return;
        }
        client.newRequest(url).timeout(10, TimeUnit.SECONDS).send(result -> {
            latency.recordValue(Math.max(1, (System.nanoTime() - sent) / 1000));
            if (result.isSucceeded() && result.getResponse().getStatus() / 100 == 2) {
                ok.incrementAndGet();
            } else {
                failed.incrementAndGet();
            }
            next(client, url, end, ok, failed, latency, done);
        });
    }
}
