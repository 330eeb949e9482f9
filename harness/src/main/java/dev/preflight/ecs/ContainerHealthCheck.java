package dev.preflight.ecs;

import dev.preflight.time.TimeScale;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.services.ecs.model.HealthCheck;

/**
 * A container health check as ECS runs it: the task definition's command (CMD-SHELL through sh,
 * or CMD), every interval, each run bounded by the timeout; exit 0 passes. Failures within the
 * start period do not count; {@code retries} consecutive failures make the container UNHEALTHY, one
 * pass makes it HEALTHY. A task shares the machine's loopback, so the container port in the command
 * is rewritten to the port the task really listens on.
 */
final class ContainerHealthCheck {
    private final List<String> command;
    private final Duration interval;
    private final Duration timeout;
    private final int retries;
    private final Duration startPeriod;

    private Instant nextRun;
    private int consecutiveFailures;
    private EcsTask.HealthStatus status = EcsTask.HealthStatus.UNKNOWN;
    private boolean running;

    private ContainerHealthCheck(List<String> command, Duration interval, Duration timeout, int retries, Duration startPeriod, Instant start) {
        this.command = command;
        this.interval = interval;
        this.timeout = timeout;
        this.retries = retries;
        this.startPeriod = startPeriod;
        this.nextRun = start;
    }

    /** Null when the container has no health check. */
    static ContainerHealthCheck of(HealthCheck check, int containerPort, int hostPort, TimeScale scale, Duration minimumTimeout,
                                   Instant start) {
        if (check == null || check.command().isEmpty()) {
            return null;
        }
        List<String> raw = check.command();
        List<String> command = new ArrayList<>();
        if (raw.get(0).equals("CMD-SHELL")) {
            command.add("sh");
            command.add("-c");
            command.add(rewrite(String.join(" ", raw.subList(1, raw.size())), containerPort, hostPort));
        } else {
            int from = raw.get(0).equals("CMD") ? 1 : 0;
            raw.subList(from, raw.size()).forEach(a -> command.add(rewrite(a, containerPort, hostPort)));
        }
        return new ContainerHealthCheck(command,
                scale.seconds(orDefault(check.interval(), 30)), max(scale.seconds(orDefault(check.timeout(), 5)), minimumTimeout),
                orDefault(check.retries(), 3), scale.seconds(orDefault(check.startPeriod(), 0)), start);
    }

    private static String rewrite(String s, int containerPort, int hostPort) {
        return s.replace("localhost:" + containerPort, "127.0.0.1:" + hostPort)
                .replace("127.0.0.1:" + containerPort, "127.0.0.1:" + hostPort);
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static int orDefault(Integer value, int fallback) {
        return value == null ? fallback : value;
    }

    /** Runs the check when it is due (called from the scheduler's thread; runs on a pool). */
    synchronized boolean due(Instant now) {
        if (running || now.isBefore(nextRun)) {
            return false;
        }
        running = true;
        nextRun = now.plus(interval);
        return true;
    }

    /** Runs the command once and records the outcome. */
    void run(Instant taskStart) {
        boolean passed;
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                passed = p.exitValue() == 0;
            } else {
                p.destroyForcibly();
                passed = false;
            }
        } catch (IOException e) {
            passed = false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            passed = false;
        }
        record(passed, Instant.now(), taskStart);
    }

    private synchronized void record(boolean passed, Instant now, Instant taskStart) {
        running = false;
        if (passed) {
            consecutiveFailures = 0;
            status = EcsTask.HealthStatus.HEALTHY;
            return;
        }
        if (now.isBefore(taskStart.plus(startPeriod))) {
            return; // failures in the start period do not count
        }
        consecutiveFailures++;
        if (consecutiveFailures >= retries) {
            status = EcsTask.HealthStatus.UNHEALTHY;
        }
    }

    synchronized EcsTask.HealthStatus status() {
        return status;
    }
}
