package dev.preflight.alb;

import dev.preflight.alb.TargetHealthStateMachine.CheckResult;
import dev.preflight.time.TimeScale;
import dev.preflight.topology.TargetGroup;
import java.net.URI;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * A target group's health checks: an HTTP GET of the check path on each target's traffic port, on
 * the two clocks of docs/aws-behaviour.md:
 * <ul>
 *   <li>the <em>counted</em> checks run as AWS runs them, the first at registration and then every
 *       interval of real time, each bounded by the real timeout: how long a failing target takes to
 *       be declared unhealthy, or an unhealthy one to recover, is AWS's own;</li>
 *   <li>while a target has not passed yet ({@code initial}), <em>probes</em> run between them every
 *       compressed interval. Only a pass counts, and it makes the target healthy at once: the one
 *       passing check AWS needs is seen as soon as the target can give it, so a healthy deploy does
 *       not wait for the next interval. A failed probe changes nothing.</li>
 * </ul>
 * Checks are timer tasks on the shared scheduler and asynchronous requests, so a hundred targets need
 * no hundred threads. Each check uses a fresh connection, as AWS's checker does, so a dead process is
 * seen as dead and not masked by a pooled connection.
 */
final class HealthChecker {
    /** Receives each check's outcome and answers the target's state after it (null once it is gone). */
    interface Results {
        TargetState onCheck(RegisteredTarget target, CheckResult result, boolean counted);
    }

    private static final String USER_AGENT = "ELB-HealthChecker/2.0";
    /** Probes of a starting target never come closer than this: a check is a connection and a request. */
    private static final long MIN_PROBE_SPACING_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final String path;
    private final long intervalNanos;
    private final long probeSpacingNanos;
    private final long timeoutMillis;
    private final SuccessCodes codes;
    private final HttpClient client;
    private final Scheduler scheduler;
    private final Results results;
    private final Map<RegisteredTarget, Loop[]> loops = new ConcurrentHashMap<>();

    HealthChecker(String where, TargetGroup.HealthCheck config, TimeScale scale, HttpClient client, Scheduler scheduler,
                  Results results) {
        this.path = config.path().startsWith("/") ? config.path() : "/" + config.path();
        this.intervalNanos = scale.real(config.intervalSeconds()).toNanos();
        this.probeSpacingNanos = Math.max(MIN_PROBE_SPACING_NANOS, scale.compressed(config.intervalSeconds()).toNanos());
        this.timeoutMillis = Math.max(1, scale.real(config.timeoutSeconds()).toMillis());
        this.codes = SuccessCodes.parse(config.matcher(), where);
        this.client = client;
        this.scheduler = scheduler;
        this.results = results;
    }

    /** Starts the counted checks (the first one now) and the probes of a new target. */
    void start(RegisteredTarget target) {
        Loop[] pair = {new Loop(target, true), new Loop(target, false)};
        Loop[] previous = loops.put(target, pair);
        if (previous != null) {
            previous[0].stop();
            previous[1].stop();
        }
        pair[0].schedule(0);
        pair[1].schedule(probeSpacingNanos);
    }

    /**
     * Takes over a target from the checker of the group's previous settings: its next counted check
     * one interval from now (as AWS's next check after ModifyTargetGroup), probes only while it is
     * still initial. Called under the group's lock.
     */
    void resume(RegisteredTarget target) {
        Loop[] pair = {new Loop(target, true), new Loop(target, false)};
        loops.put(target, pair);
        pair[0].schedule(intervalNanos);
        if (target.health().state() == TargetState.INITIAL) {
            pair[1].schedule(probeSpacingNanos);
        }
    }

    void stop(RegisteredTarget target) {
        Loop[] pair = loops.remove(target);
        if (pair != null) {
            pair[0].stop();
            pair[1].stop();
        }
    }

    void stopAll() {
        loops.keySet().forEach(this::stop);
    }

    /** The checks of one target: each next one is timed from the start of the previous one. */
    private final class Loop {
        private final RegisteredTarget target;
        private final boolean counted;
        private final URI uri;
        private volatile boolean stopped;
        private volatile Scheduler.Task pending;

        Loop(RegisteredTarget target, boolean counted) {
            this.target = target;
            this.counted = counted;
            Target t = target.target();
            this.uri = URI.create("http://" + hostForUri(t.host()) + ":" + t.port() + path);
        }

        void schedule(long delayNanos) {
            if (stopped) {
                return;
            }
            try {
                pending = scheduler.schedule(this::check, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
            } catch (RuntimeException closing) {
                stopped = true; // the scheduler stopped with the load balancer
                return;
            }
            if (stopped) {
                pending.cancel();
            }
        }

        void stop() {
            stopped = true;
            Scheduler.Task task = pending;
            if (task != null) {
                task.cancel();
            }
        }

        private void check() {
            if (stopped) {
                return;
            }
            long started = System.nanoTime();
            try {
                client.newRequest(uri)
                        .method(HttpMethod.GET)
                        .headers(h -> h.put(HttpHeader.USER_AGENT, USER_AGENT).put(HttpHeader.CONNECTION, "close"))
                        .timeout(timeoutMillis, TimeUnit.MILLISECONDS)
                        .followRedirects(false)
                        .send(result -> {
                            if (stopped) {
                                return;
                            }
                            TargetState after = results.onCheck(target, outcome(result), counted);
                            if (counted) {
                                schedule(intervalNanos - (System.nanoTime() - started));
                            } else if (after == TargetState.INITIAL) {
                                schedule(probeSpacingNanos - (System.nanoTime() - started));
                            } // a probe's work is done once the target has passed (or is gone)
                        });
            } catch (RuntimeException closing) {
                stopped = true; // the client stopped with the load balancer
            }
        }
    }

    private CheckResult outcome(Result result) {
        if (result.isFailed()) {
            for (Throwable t = result.getFailure(); t != null; t = t.getCause()) {
                if (t instanceof TimeoutException) {
                    return CheckResult.failed("Target.Timeout", "Request timed out");
                }
            }
            return CheckResult.failed("Target.FailedHealthChecks", "Health checks failed");
        }
        int status = result.getResponse().getStatus();
        return codes.matches(status) ? CheckResult.PASS
                : CheckResult.failed("Target.ResponseCodeMismatch", "Health checks failed with these codes: [" + status + "]");
    }

    private static String hostForUri(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }
}
