package dev.preflight.ecs;

import dev.preflight.runtime.HostCommand;
import dev.preflight.runtime.RunningTask;
import dev.preflight.time.TimeScale;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.ecs.model.HealthCheck;

/**
 * A container health check as ECS (Docker) runs it: the task definition's command (CMD-SHELL through
 * sh, or CMD), each run bounded by the timeout; exit 0 passes. On the two clocks of
 * docs/aws-behaviour.md:
 * <ul>
 *   <li>the <em>counted</em> checks keep Docker's schedule in real time: the first one interval after
 *       the container started, then one interval after the previous one ended. Failures within the
 *       start period (from the container's start) do not count, unless the container has passed once;
 *       {@code retries} consecutive counted failures make it UNHEALTHY;</li>
 *   <li>while the container has never passed (UNKNOWN), <em>probes</em> run every compressed interval;
 *       a pass makes it HEALTHY at once (one pass is all Docker needs), a failed probe changes nothing.</li>
 * </ul>
 * The command runs where the container runs ({@link RunningTask#exec}): inside a container task; on this
 * machine for a process task, which shares the machine's loopback, so the container port in the command
 * is rewritten to the port the task really listens on.
 */
final class ContainerHealthCheck {
    /** Which of the two a run is. */
    enum Kind { COUNTED, PROBE }

    /** curl is a process start: probes of a starting process task never come closer than this. */
    private static final Duration MIN_PROBE_SPACING = Duration.ofMillis(100);

    private final List<String> command;
    private final Duration interval;
    private final Duration timeout;
    private final int retries;
    private final Duration startPeriod;
    private final Duration probeSpacing;
    private final Instant containerStart;
    private final CommandRunner runner;

    private Instant nextCounted;
    private Instant nextProbe;
    private boolean countedRunning;
    private boolean probeRunning;
    private boolean passedOnce;
    private int consecutiveFailures;
    private EcsTask.HealthStatus status = EcsTask.HealthStatus.UNKNOWN;

    /** Where the command runs. */
    interface CommandRunner {
        int exec(List<String> command, Duration timeout);
    }

    private ContainerHealthCheck(List<String> command, Duration interval, Duration timeout, int retries, Duration startPeriod,
                                 Duration probeSpacing, Instant containerStart, CommandRunner runner) {
        this.runner = runner;
        this.command = command;
        this.interval = interval;
        this.timeout = timeout;
        this.retries = retries;
        this.startPeriod = startPeriod;
        this.probeSpacing = probeSpacing;
        this.containerStart = containerStart;
        this.nextCounted = containerStart.plus(interval);
        this.nextProbe = containerStart;
    }

    /** The check of a started task: run where it runs, against the port it listens on. Null without a health check. */
    static ContainerHealthCheck of(HealthCheck check, int containerPort, RunningTask task, TimeScale scale) {
        return of(check, containerPort, task.spec().port(), scale, task.startedAt(), task::exec, task.minimumProbeSpacing());
    }

    /** On this machine (a process task listening on {@code hostPort}). Null when the container has no health check. */
    static ContainerHealthCheck of(HealthCheck check, int containerPort, int hostPort, TimeScale scale, Instant containerStart) {
        return of(check, containerPort, hostPort, scale, containerStart, HostCommand::run, MIN_PROBE_SPACING);
    }

    private static ContainerHealthCheck of(HealthCheck check, int containerPort, int hostPort, TimeScale scale, Instant containerStart,
                                           CommandRunner runner, Duration minProbeSpacing) {
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
        int intervalSeconds = orDefault(check.interval(), 30);
        Duration probeSpacing = scale.compressed(intervalSeconds);
        return new ContainerHealthCheck(command, scale.real(intervalSeconds), scale.real(orDefault(check.timeout(), 5)),
                orDefault(check.retries(), 3), scale.real(orDefault(check.startPeriod(), 0)),
                probeSpacing.compareTo(minProbeSpacing) < 0 ? minProbeSpacing : probeSpacing, containerStart, runner);
    }

    private static String rewrite(String s, int containerPort, int hostPort) {
        return s.replace("localhost:" + containerPort, "127.0.0.1:" + hostPort)
                .replace("127.0.0.1:" + containerPort, "127.0.0.1:" + hostPort);
    }

    private static int orDefault(Integer value, int fallback) {
        return value == null ? fallback : value;
    }

    /** The run that is due now, if any (called from the scheduler's thread; the run goes to a pool). */
    synchronized Kind due(Instant now) {
        if (!countedRunning && !now.isBefore(nextCounted)) {
            countedRunning = true;
            return Kind.COUNTED;
        }
        if (status == EcsTask.HealthStatus.UNKNOWN && !probeRunning && !now.isBefore(nextProbe)) {
            probeRunning = true;
            nextProbe = now.plus(probeSpacing);
            return Kind.PROBE;
        }
        return null;
    }

    /** Runs the command once and records the outcome. */
    void run(Kind kind) {
        record(kind, runner.exec(command, timeout) == 0, Instant.now());
    }

    synchronized void record(Kind kind, boolean passed, Instant now) {
        if (kind == Kind.PROBE) {
            probeRunning = false;
            if (passed && status == EcsTask.HealthStatus.UNKNOWN) {
                pass();
            }
            return;
        }
        countedRunning = false;
        nextCounted = now.plus(interval);
        if (passed) {
            pass();
            return;
        }
        if (!passedOnce && now.isBefore(containerStart.plus(startPeriod))) {
            return; // failures in the start period do not count until the container has passed once
        }
        consecutiveFailures++;
        if (consecutiveFailures >= retries) {
            status = EcsTask.HealthStatus.UNHEALTHY;
        }
    }

    private void pass() {
        passedOnce = true;
        consecutiveFailures = 0;
        status = EcsTask.HealthStatus.HEALTHY;
    }

    synchronized EcsTask.HealthStatus status() {
        return status;
    }

    /** What made it unhealthy, in AWS's numbers, for the service's events. */
    String rule() {
        return retries + " consecutive failed checks " + seconds(interval) + " apart (retries x interval, real time)";
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }
}
