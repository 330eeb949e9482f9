package dev.preflight.scenarios.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.preflight.ecs.EcsTask;
import dev.preflight.ecs.ServiceEvent;
import dev.preflight.ecs.ServiceScheduler;
import dev.preflight.ecs.ServiceTimeline;
import dev.preflight.engine.Engines;
import dev.preflight.junit.PreflightEnvironment;
import dev.preflight.report.ScenarioReport;
import dev.preflight.running.RunningEnvironment;
import dev.preflight.traffic.LoadProfile;
import dev.preflight.traffic.LoadRun;
import dev.preflight.traffic.LoadSummary;
import dev.preflight.traffic.RequestRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * An Availability Zone lost under load: api's tasks are spread over the two zones of its subnets; the
 * one in the lost zone stops at once, ECS replaces it in the other zone and places nothing in the lost
 * one, and every request sent after the loss is answered (only those in flight to the lost task may
 * fail). Once the zone is back, the next task goes there again.
 */
@PreflightEnvironment
class AvailabilityZoneLossTest {

    @Test
    void theServiceKeepsServingFromTheOtherZone(Engines engines) {
        try (RunningEnvironment env = RunningEnvironment.of("dev").withProject("azloss").start(engines)) {
            env.desiredCount("api", 2);
            assertThat(env.pipeline().deploy("api", "v1").succeeded()).isTrue();
            ServiceScheduler api = env.service("api");
            ScenarioReport report;
            Instant faultStart;
            Set<String> zones = api.runningTasks().stream().map(EcsTask::availabilityZone).collect(Collectors.toSet());
            assertThat(zones).as("tasks spread over the zones of api's subnets").hasSize(2);
            String lost = api.runningTasks().get(0).availabilityZone();
            String other = zones.stream().filter(z -> !z.equals(lost)).findFirst().orElseThrow();

            try (ServiceTimeline timeline = ServiceTimeline.record(api);
                 LoadRun load = env.load(LoadProfile.of(40, Duration.ofSeconds(20)).withPath("/api/version").withMaxConcurrency(100))) {
                pause(Duration.ofSeconds(3));
                Instant lostAt = Instant.now();
                long lostNanos = System.nanoTime();
                env.runtime().loseAvailabilityZone(lost);
                await("api back at 2 tasks in " + other).atMost(Duration.ofSeconds(90)).until(() -> api.steadyState()
                        && api.runningTasks().size() == 2 && api.runningTasks().stream().allMatch(t -> other.equals(t.availabilityZone())));
                Instant replacedAt = Instant.now();
                load.awaitCompletion(Duration.ofSeconds(60));
                LoadSummary summary = load.summary();
                long afterLoss = lostNanos - load.startNanoTime() + Duration.ofMillis(200).toNanos();
                List<RequestRecord> late = load.records().stream().filter(r -> r.scheduledNanos() > afterLoss).toList();
                report = ScenarioReport.named("Availability Zone " + lost + " lost under load").requests(load);
                timeline.addTo(report);
                report.event(replacedAt, "2 tasks in " + other).verdict(late.stream().allMatch(RequestRecord::ok), summary.describe());
                faultStart = lostAt;

                assertThat(late).as("requests sent after the loss").isNotEmpty().allMatch(RequestRecord::ok, "answered");
                assertThat(api.tasks()).filteredOn(t -> lost.equals(t.availabilityZone()) && t.stopped())
                        .extracting(EcsTask::stoppedReason).contains("Task stopped because its Availability Zone " + lost + " became unavailable");
                assertThat(api.tasks()).filteredOn(t -> lost.equals(t.availabilityZone()) && t.createdAt().isAfter(lostAt))
                        .as("no task placed in the lost zone").isEmpty();
            }

            env.runtime().restoreAvailabilityZone(lost);
            report.band(faultStart, Instant.now(), "fault: " + lost + " lost").write(ScenarioReport.defaultDir());
            env.desiredCount("api", 3);
            await("a third task, placed in the restored zone").atMost(Duration.ofSeconds(90)).until(() -> api.runningTasks().stream()
                    .anyMatch(t -> lost.equals(t.availabilityZone())));
            assertThat(api.events()).extracting(ServiceEvent::message).noneMatch(m -> m.contains("unable to place"));
        }
    }

    private static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
