package dev.preflight.traffic;

import java.net.URI;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;

/**
 * The asynchronous HTTP client of one load run (Jetty's), and the translation of an exchange into
 * status, version and error. Its threads are daemons so a run that is never closed cannot keep the
 * JVM alive.
 */
final class LoadClient implements AutoCloseable {
    static final String VERSION_HEADER = "X-App-Version";
    /** AWS's trace header: a client's Root is kept by the load balancer and logged with the target. */
    static final String TRACE_HEADER = "X-Amzn-Trace-Id";
    /** Class@hash, as in a default toString. */
    private static final Pattern OBJECT_DUMP = Pattern.compile("[A-Za-z]@[0-9a-f]{4,}");

    /** What came back for one request. */
    record Outcome(int status, String version, String error) {
    }

    interface Completion {
        void completed(Outcome outcome);
    }

    private final HttpClient client;
    private final URI target;
    private final LoadProfile profile;

    private LoadClient(HttpClient client, URI target, LoadProfile profile) {
        this.client = client;
        this.target = target;
        this.profile = profile;
    }

    static LoadClient start(URI target, LoadProfile profile) {
        QueuedThreadPool threads = new QueuedThreadPool(64, 4);
        threads.setName("preflight-load");
        threads.setDaemon(true);
        HttpClient client = new HttpClient();
        client.setExecutor(threads);
        client.setScheduler(new ScheduledExecutorScheduler("preflight-load-timeouts", true));
        // let the run's own cap decide: Jetty must neither queue nor refuse below it
        client.setMaxConnectionsPerDestination(profile.maxConcurrency());
        client.setMaxRequestsQueuedPerDestination(Math.max(1024, profile.maxConcurrency() * 2));
        client.setFollowRedirects(false);
        client.setConnectTimeout(Math.min(profile.requestTimeout().toMillis(), 10_000));
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("Could not start the load generator's HTTP client: " + e, e);
        }
        return new LoadClient(client, target, profile);
    }

    /**
     * Sends one GET with {@code traceId} as its trace's Root; {@code done} runs exactly once, on a
     * client thread or, if sending throws, here.
     */
    void send(String traceId, Completion done) {
        try {
            client.newRequest(target)
                    .method(HttpMethod.GET)
                    .timeout(profile.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
                    .headers(h -> {
                        profile.headers().forEach(h::put);
                        h.put(TRACE_HEADER, "Root=" + traceId);
                    })
                    .send(result -> done.completed(outcome(result)));
        } catch (RuntimeException e) {
            done.completed(new Outcome(0, null, shortMessage(e)));
        }
    }

    private static Outcome outcome(Result result) {
        var response = result.getResponse();
        String version = response == null ? null : response.getHeaders().get(VERSION_HEADER);
        if (result.isFailed()) {
            // an exchange that broke off counts as no response, even if a status line had arrived
            return new Outcome(0, version, shortMessage(result.getFailure()));
        }
        return new Outcome(response.getStatus(), version, null);
    }

    /**
     * "Connection refused" rather than a stack of wrappers. Messages that only dump an object
     * (Jetty's "HttpConnectionOverHTTP@1a2b::SocketChannelEndPoint@...") become the exception's
     * simple name, so failures of one kind group under one error in the summary.
     */
    static String shortMessage(Throwable failure) {
        Throwable t = failure;
        while (t.getCause() != null && t.getCause() != t && (t.getMessage() == null
                || t.getMessage().equals(t.getCause().toString()))) {
            t = t.getCause();
        }
        String message = t.getMessage();
        if (message == null || message.isBlank() || OBJECT_DUMP.matcher(message).find()) {
            return t.getClass().getSimpleName();
        }
        message = message.strip();
        return message.length() > 200 ? message.substring(0, 200) + "..." : message;
    }

    @Override
    public void close() {
        try {
            client.stop();
        } catch (Exception e) {
            // nothing left to measure; a failing stop must not hide the run's results
        }
    }
}
