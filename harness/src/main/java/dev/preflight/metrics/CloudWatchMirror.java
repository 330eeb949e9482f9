package dev.preflight.metrics;

import dev.preflight.aws.AwsClients;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.http.apache.ApacheHttpClient;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.MetricDatum;
import software.amazon.awssdk.services.cloudwatch.model.StandardUnit;
import software.amazon.awssdk.services.cloudwatch.model.Statistic;

/**
 * Mirrors the runtime's datapoints to the AWS engine's CloudWatch with PutMetricData, so that what
 * a scenario measured can be read back (GetMetricStatistics, GetMetricData, the aws CLI) as in AWS.
 *
 * <p>Protocol: the SDK's CloudWatch module is pinned to 2.40.5, the last release that speaks the
 * Query protocol (from 2.40.6 on it speaks RPC v2 CBOR, which moto answers with 404); it runs on
 * the project's newer SDK core. The mirror never slows or breaks the runtime: {@link #offer} only
 * queues (bounded; the oldest are dropped past {@value #MAX_QUEUED}), one background thread sends
 * batches, and a failure is logged once and then only counted.
 */
public final class CloudWatchMirror implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CloudWatchMirror.class);
    static final int MAX_QUEUED = 20_000;
    /** AWS takes up to 1000 datums per PutMetricData. */
    private static final int BATCH = 500;
    private static final Duration SEND_EVERY = Duration.ofMillis(250);

    private record Queued(MetricId id, Datapoint point, boolean highResolution) {
    }

    private final CloudWatchClient client;
    private final boolean ownsClient;
    private final String where;
    private final ConcurrentLinkedQueue<Queued> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicLong published = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final AtomicBoolean warned = new AtomicBoolean();
    private final ScheduledExecutorService sender;
    private final Object sending = new Object();
    private volatile boolean closed;

    CloudWatchMirror(CloudWatchClient client, boolean ownsClient, String where) {
        this.client = client;
        this.ownsClient = ownsClient;
        this.where = where;
        this.sender = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "preflight-cloudwatch-mirror");
            t.setDaemon(true);
            return t;
        });
        sender.scheduleWithFixedDelay(this::sendQueued, SEND_EVERY.toMillis(), SEND_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** A mirror to the engine the clients point at, with a CloudWatch client of its own. */
    public static CloudWatchMirror to(AwsClients aws) {
        return new CloudWatchMirror(client(aws), true, aws.endpoint().toString());
    }

    /**
     * A CloudWatch client (Query protocol) for the engine the clients point at: the mirror's, and a
     * test's or scenario's for reading datapoints back. No retries and a 10 s limit per call: a slow
     * engine costs a batch, never the runtime. Close it after use.
     */
    public static CloudWatchClient client(AwsClients aws) {
        return CloudWatchClient.builder()
                .endpointOverride(aws.endpoint())
                .region(aws.region())
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(aws.accessKeyId(), aws.secretAccessKey())))
                .httpClient(ApacheHttpClient.builder().maxConnections(2).connectionTimeout(Duration.ofSeconds(5))
                        .socketTimeout(Duration.ofSeconds(10)).build())
                .overrideConfiguration(ClientOverrideConfiguration.builder()
                        .retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallTimeout(Duration.ofSeconds(10))
                        .build())
                .build();
    }

    /**
     * Queues a datapoint for the next batch; never blocks. {@code highResolution} sends it with
     * StorageResolution 1, as a compressed period is shorter than CloudWatch's standard minute.
     */
    public void offer(MetricId id, Datapoint point, boolean highResolution) {
        if (closed) {
            return;
        }
        queue.add(new Queued(id, point, highResolution));
        if (queued.incrementAndGet() > MAX_QUEUED && queue.poll() != null) {
            queued.decrementAndGet();
            dropped.incrementAndGet();
        }
    }

    /** Sends what is queued now and waits for it (at most {@code timeout}); for tests and scenario ends. */
    public void flush(Duration timeout) {
        var done = sender.submit(this::sendQueued);
        try {
            done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            LOG.debug("CloudWatch mirror flush did not finish: {}", e.toString());
        }
    }

    /** Datapoints the engine accepted. */
    public long published() {
        return published.get();
    }

    /** Datapoints of batches the engine refused or that failed to reach it. */
    public long failed() {
        return failed.get();
    }

    /** Datapoints dropped because the queue was full (the engine too slow or gone). */
    public long dropped() {
        return dropped.get();
    }

    private void sendQueued() {
        synchronized (sending) {
            List<Queued> batch = new ArrayList<>();
            Queued next;
            while ((next = queue.poll()) != null) {
                queued.decrementAndGet();
                batch.add(next);
            }
            if (batch.isEmpty()) {
                return;
            }
            Map<String, List<Queued>> byNamespace = new LinkedHashMap<>();
            batch.forEach(q -> byNamespace.computeIfAbsent(q.id().namespace(), n -> new ArrayList<>()).add(q));
            byNamespace.forEach((namespace, points) -> {
                for (int from = 0; from < points.size(); from += BATCH) {
                    send(namespace, points.subList(from, Math.min(points.size(), from + BATCH)));
                }
            });
        }
    }

    private void send(String namespace, List<Queued> points) {
        List<MetricDatum> data = points.stream().map(CloudWatchMirror::datum).toList();
        try {
            client.putMetricData(r -> r.namespace(namespace).metricData(data));
            published.addAndGet(points.size());
        } catch (RuntimeException e) {
            failed.addAndGet(points.size());
            if (warned.compareAndSet(false, true)) {
                LOG.warn("CloudWatch mirror: PutMetricData of {} datapoints in {} to {} failed ({}). The runtime's own series"
                        + " and the autoscaler are unaffected; further failures are only counted.", points.size(), namespace, where,
                        e.toString());
            }
        }
    }

    private static MetricDatum datum(Queued q) {
        return MetricDatum.builder()
                .metricName(q.id().name())
                .dimensions(q.id().dimensions().entrySet().stream()
                        .map(d -> Dimension.builder().name(d.getKey()).value(d.getValue()).build()).toList())
                .timestamp(q.point().at())
                .value(q.point().value())
                .unit(StandardUnit.fromValue(q.point().unit()))
                .storageResolution(q.highResolution() ? 1 : 60)
                .build();
    }

    /** The datapoints the engine holds for a metric between two moments (GetMetricStatistics, Average/Sum/SampleCount). */
    public static List<software.amazon.awssdk.services.cloudwatch.model.Datapoint> read(CloudWatchClient client, MetricId id,
                                                                                         Instant from, Instant to, int periodSeconds) {
        return client.getMetricStatistics(r -> r.namespace(id.namespace()).metricName(id.name())
                        .dimensions(id.dimensions().entrySet().stream()
                                .map(d -> Dimension.builder().name(d.getKey()).value(d.getValue()).build()).toList())
                        .startTime(from).endTime(to).period(periodSeconds)
                        .statistics(Statistic.AVERAGE, Statistic.SUM, Statistic.SAMPLE_COUNT))
                .datapoints();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        flush(Duration.ofSeconds(5));
        sender.shutdownNow();
        if (ownsClient) {
            client.close();
        }
    }
}
