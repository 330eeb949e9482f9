package dev.preflight.runtime;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatchlogs.CloudWatchLogsClient;
import software.amazon.awssdk.services.cloudwatchlogs.model.InputLogEvent;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceAlreadyExistsException;
import software.amazon.awssdk.services.cloudwatchlogs.model.ResourceNotFoundException;

/**
 * What the awslogs driver does for a container: one log stream per task in the group provisioning
 * created, each output line an event stamped when it was read, shipped with PutLogEvents in batches
 * (every {@code interval}, or at once when {@code batchLines} are waiting), flushed when the task
 * exits and on close.
 *
 * <p>A logging failure never touches the task: it is warned about once per stream and the lines
 * stay in the task's local log. Close the task runner before the shipper, so the last lines of the
 * stopped tasks are shipped.
 */
public final class TaskLogShipper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TaskLogShipper.class);
    /** PutLogEvents limits: 10,000 events and 1,048,576 bytes, counting 26 bytes per event. */
    private static final int MAX_BATCH_EVENTS = 10_000;
    private static final int MAX_BATCH_BYTES = 1_048_576;
    private static final int EVENT_OVERHEAD = 26;
    /** Longer lines are cut, as the driver splits them: 64K chars stay under the 256 KB event limit. */
    private static final int MAX_LINE_CHARS = 64 * 1024;
    private static final int ATTEMPTS = 3;

    private final CloudWatchLogsClient logs;
    private final int batchLines;
    private final ScheduledExecutorService shipper;
    private final Set<Stream> open = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    public TaskLogShipper(CloudWatchLogsClient logs) {
        this(logs, Duration.ofMillis(200), 100);
    }

    public TaskLogShipper(CloudWatchLogsClient logs, Duration interval, int batchLines) {
        this.logs = logs;
        this.batchLines = batchLines;
        this.shipper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "task-log-shipper");
            t.setDaemon(true);
            return t;
        });
        shipper.scheduleWithFixedDelay(this::shipAll, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Creates the log stream (an existing one is reused) and returns where to write lines. Never throws for AWS errors. */
    public Stream open(String group, String stream) {
        if (closed) {
            throw new IllegalStateException("The task log shipper is closed; cannot open " + group + "/" + stream);
        }
        Stream s = new Stream(group, stream);
        try {
            logs.createLogStream(r -> r.logGroupName(group).logStreamName(stream));
        } catch (ResourceAlreadyExistsException e) {
            // a restarted task with the same id: keep appending, as the driver does
        } catch (ResourceNotFoundException e) {
            s.fail("log group " + group + " does not exist. Fix: provision the environment first (the topology's logs.groups)"
                    + " or name a group it declares in the task definition's awslogs-group", true);
        } catch (SdkException e) {
            s.fail("cannot create log stream " + stream + " in " + group + ": " + e.getMessage(), true);
        }
        open.add(s);
        return s;
    }

    /** Ships everything waiting now, on the caller's thread. */
    public void flush() {
        shipAll();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        shipper.shutdown();
        try {
            shipper.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        shipAll();
        open.clear();
    }

    private void shipAll() {
        for (Stream s : open) {
            s.ship();
        }
    }

    /** One task's log stream. */
    public final class Stream implements AutoCloseable {
        private final String group;
        private final String name;
        private final ArrayDeque<InputLogEvent> pending = new ArrayDeque<>();
        private final Object shipping = new Object();
        private final AtomicBoolean shipQueued = new AtomicBoolean();
        private final AtomicBoolean warned = new AtomicBoolean();
        private final AtomicLong shipped = new AtomicLong();
        private final AtomicLong dropped = new AtomicLong();
        private long lastTimestamp;
        private volatile boolean broken;
        private int failures;

        private Stream(String group, String name) {
            this.group = group;
            this.name = name;
        }

        public String group() {
            return group;
        }

        public String name() {
            return name;
        }

        /** Events accepted by CloudWatch Logs so far. */
        public long shipped() {
            return shipped.get();
        }

        /** Lines that could not be shipped. */
        public long dropped() {
            return dropped.get();
        }

        /** One line of output; stamped now (never before the previous one: a batch must be in time order). */
        public void append(String line) {
            if (line.isEmpty()) {
                return; // CloudWatch Logs takes no empty event; the driver skips empty lines too
            }
            if (broken || closed) {
                dropped.incrementAndGet(); // closed: the owner closed the shipper before the runner
                return;
            }
            String message = line.length() > MAX_LINE_CHARS ? line.substring(0, MAX_LINE_CHARS) : line;
            int size;
            synchronized (this) {
                lastTimestamp = Math.max(lastTimestamp, System.currentTimeMillis());
                pending.add(InputLogEvent.builder().timestamp(lastTimestamp).message(message).build());
                size = pending.size();
            }
            if (size >= batchLines && !closed && shipQueued.compareAndSet(false, true)) {
                try {
                    shipper.execute(() -> {
                        shipQueued.set(false);
                        ship();
                    });
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    shipQueued.set(false); // closing: close() ships what is left
                }
            }
        }

        /** Ships what is waiting and stops shipping this stream (the task exited). */
        @Override
        public void close() {
            ship();
            open.remove(this);
        }

        /** One shipper at a time per stream, so batches arrive in order. */
        void ship() {
            synchronized (shipping) {
                while (true) {
                    List<InputLogEvent> batch = takeBatch();
                    if (batch.isEmpty()) {
                        return;
                    }
                    if (broken) {
                        dropped.addAndGet(batch.size());
                        continue;
                    }
                    try {
                        logs.putLogEvents(r -> r.logGroupName(group).logStreamName(name).logEvents(batch));
                        shipped.addAndGet(batch.size());
                        failures = 0;
                    } catch (SdkException e) {
                        if (++failures < ATTEMPTS && !(e instanceof ResourceNotFoundException)) {
                            requeue(batch); // a busy engine: try again on the next tick
                            LOG.debug("PutLogEvents to {}/{} failed (attempt {}): {}", group, name, failures, e.getMessage());
                            return;
                        }
                        dropped.addAndGet(batch.size());
                        fail("PutLogEvents failed " + failures + " times, " + batch.size() + " lines dropped: " + e.getMessage(),
                                e instanceof ResourceNotFoundException);
                        failures = 0;
                    }
                }
            }
        }

        private synchronized List<InputLogEvent> takeBatch() {
            List<InputLogEvent> batch = new ArrayList<>();
            int bytes = 0;
            while (!pending.isEmpty() && batch.size() < MAX_BATCH_EVENTS) {
                int size = pending.peek().message().getBytes(StandardCharsets.UTF_8).length + EVENT_OVERHEAD;
                if (!batch.isEmpty() && bytes + size > MAX_BATCH_BYTES) {
                    break;
                }
                bytes += size;
                batch.add(pending.poll());
            }
            return batch;
        }

        private synchronized void requeue(List<InputLogEvent> batch) {
            for (int i = batch.size() - 1; i >= 0; i--) {
                pending.addFirst(batch.get(i));
            }
        }

        /** Warns once; a stream whose group or stream is missing stops trying. */
        private void fail(String why, boolean giveUp) {
            if (giveUp) {
                broken = true;
            }
            if (warned.compareAndSet(false, true)) {
                LOG.warn("Task logs of {}/{} are not shipped to CloudWatch Logs ({}); they stay in the task's local log. This does not stop the task.",
                        group, name, why);
            }
        }
    }
}
