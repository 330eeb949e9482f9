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
 * A target group's health checks: an HTTP GET of the check path on each target's traffic port,
 * every interval, each with its timeout (both compressed by the time scale; the timeout floored
 * by {@link LoadBalancerOptions#minimumTimeout()}). The first check runs
 * at registration. Checks are timer tasks on the shared scheduler and asynchronous requests, so a
 * hundred targets need no hundred threads. Each check uses a fresh connection, as AWS's checker
 * does, so a dead process is seen as dead and not masked by a pooled connection.
 */
final class HealthChecker {
    /** Receives each check's outcome. */
    interface Results {
        void onCheck(RegisteredTarget target, CheckResult result);
    }

    private static final String USER_AGENT = "ELB-HealthChecker/2.0";

    private final String path;
    private final long intervalNanos;
    private final long timeoutMillis;
    private final SuccessCodes codes;
    private final HttpClient client;
    private final Scheduler scheduler;
    private final Results results;
    private final Map<RegisteredTarget, Loop> loops = new ConcurrentHashMap<>();

    HealthChecker(String where, TargetGroup.HealthCheck config, TimeScale scale, LoadBalancerOptions options,
                  HttpClient client, Scheduler scheduler, Results results) {
        this.path = config.path().startsWith("/") ? config.path() : "/" + config.path();
        this.intervalNanos = scale.seconds(config.intervalSeconds()).toNanos();
        this.timeoutMillis = options.healthCheckTimeout(scale, config.timeoutSeconds()).toMillis();
        this.codes = SuccessCodes.parse(config.matcher(), where);
        this.client = client;
        this.scheduler = scheduler;
        this.results = results;
    }

    void start(RegisteredTarget target) {
        Loop loop = new Loop(target);
        Loop previous = loops.put(target, loop);
        if (previous != null) {
            previous.stop();
        }
        loop.schedule(0);
    }

    void stop(RegisteredTarget target) {
        Loop loop = loops.remove(target);
        if (loop != null) {
            loop.stop();
        }
    }

    void stopAll() {
        loops.keySet().forEach(this::stop);
    }

    /** The checks of one target: each next check is timed from the start of the previous one. */
    private final class Loop {
        private final RegisteredTarget target;
        private final URI uri;
        private volatile boolean stopped;
        private volatile Scheduler.Task pending;

        Loop(RegisteredTarget target) {
            this.target = target;
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
                            if (!stopped) {
                                results.onCheck(target, outcome(result));
                                schedule(intervalNanos - (System.nanoTime() - started));
                            }
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
