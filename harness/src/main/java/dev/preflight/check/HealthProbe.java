package dev.preflight.check;

import dev.preflight.alb.SuccessCodes;
import dev.preflight.ecs.EcsTask;
import dev.preflight.ecs.ServiceScheduler;
import dev.preflight.topology.TargetGroup;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The target group's health-check path asked of the proposed release's tasks directly, as the ALB asks
 * it, every half second while a deploy runs: the first answer that matches the matcher is kept, else
 * the last answer seen (a task that is still starting refuses; one that does not serve the path says 404).
 */
final class HealthProbe implements AutoCloseable {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final CheckContext ctx;
    private final String service;
    private final ServiceScheduler scheduler;
    private final TargetGroup tg;
    private final SuccessCodes matcher;
    private final Thread thread;
    private volatile boolean stopped;
    private volatile Measurements.Probe last;

    private HealthProbe(CheckContext ctx, String service, ServiceScheduler scheduler, TargetGroup tg) {
        this.ctx = ctx;
        this.service = service;
        this.scheduler = scheduler;
        this.tg = tg;
        this.matcher = tg == null ? null : SuccessCodes.parse(tg.healthCheck().matcher(), "loadBalancer.targetGroups." + ctx.service(service).targetGroup());
        this.thread = new Thread(this::loop, "preflight-health-probe-" + service);
        thread.setDaemon(true);
        if (tg != null) {
            thread.start();
        }
    }

    static HealthProbe watch(CheckContext ctx, String service, ServiceScheduler scheduler) {
        return new HealthProbe(ctx, service, scheduler, Bounds.targetGroup(ctx.topology(), ctx.service(service)));
    }

    private void loop() {
        while (!stopped && (last == null || !last.matches())) {
            scheduler.tasks().stream()
                    .filter(t -> CheckContext.PROPOSED.equals(t.version()) && t.process() != null && t.process().isAlive())
                    .findFirst().ifPresent(this::ask);
            try {
                Thread.sleep(500);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private void ask(EcsTask task) {
        String url = "http://127.0.0.1:" + task.port() + tg.healthCheck().path();
        int status;
        try {
            status = CLIENT.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(tg.healthCheck().timeoutSeconds()))
                    .GET().build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (java.io.IOException e) {
            status = 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        if (status != 0 || last == null) {
            last = new Measurements.Probe(url, status, matcher.matches(status));
        }
    }

    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
        if (last != null) {
            ctx.measured().healthProbe(service, last);
        }
    }
}
