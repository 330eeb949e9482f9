package dev.preflight.bench;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.client.HttpClient;

/**
 * Maximum throughput: a closed loop of {@code concurrency} requests always in flight for a fixed
 * time (each finished request immediately starts the next), counting the completed ones.
 */
final class ThroughputProbe {
    record Result(double requestsPerSecond, long ok, long failed) {
    }

    private ThroughputProbe() {
    }

    static Result measure(URI url, int concurrency, Duration duration) throws Exception {
        HttpClient client = new HttpClient();
        client.setMaxConnectionsPerDestination(concurrency);
        client.start();
        try {
            AtomicLong ok = new AtomicLong();
            AtomicLong failed = new AtomicLong();
            long end = System.nanoTime() + duration.toNanos();
            CountDownLatch done = new CountDownLatch(concurrency);
            long start = System.nanoTime();
            for (int i = 0; i < concurrency; i++) {
                next(client, url, end, ok, failed, done);
            }
            done.await(duration.toSeconds() + 30, TimeUnit.SECONDS);
            double seconds = (System.nanoTime() - start) / 1e9;
            return new Result((ok.get() + failed.get()) / seconds, ok.get(), failed.get());
        } finally {
            client.stop();
        }
    }

    private static void next(HttpClient client, URI url, long end, AtomicLong ok, AtomicLong failed, CountDownLatch done) {
        if (System.nanoTime() >= end) {
            done.countDown();
            return;
        }
        client.newRequest(url).timeout(10, TimeUnit.SECONDS).send(result -> {
            if (result.isSucceeded() && result.getResponse().getStatus() / 100 == 2) {
                ok.incrementAndGet();
            } else {
                failed.incrementAndGet();
            }
            next(client, url, end, ok, failed, done);
        });
    }
}
