package dev.preflight.scenarios.scaling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.preflight.ecs.EcsTask;
import dev.preflight.engine.Engines;
import dev.preflight.faults.ServiceStress;
import dev.preflight.faults.ServiceStress.Resource;
import dev.preflight.junit.PreflightEnvironment;
import dev.preflight.metrics.AwsMetrics;
import dev.preflight.metrics.Datapoint;
import dev.preflight.metrics.MetricId;
import dev.preflight.metrics.RuntimeMetrics;
import dev.preflight.running.RunningEnvironment;
import java.time.Duration;
import java.util.List;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

/**
 * What the gate's scaling check stands on for CPU and memory policies: a demand of d task loads on a
 * service of n tasks reads, in the runtime's own AWS/ECS metrics, as 100 × d / n % utilization, each
 * task's share made up by a stress sidecar charged to it; a demand above what a task may hold is
 * capped; nothing of it is left when the stress ends. Measured on the real metrics of real processes
 * (or containers), so it fails when the sidecars are not counted, not spread, or not delivered.
 */
// Not tagged containers, to keep the suite short: the gate's scaling-cpu fixture runs on container tasks too.
@PreflightEnvironment
class ServiceStressTest {
    /** Five periods (five AWS minutes, 5 s real) averaged: one period of a 1 s sampling is noisy. */
    private static final int PERIODS = 5;

    @Test
    void aCpuDemandSpreadOverTwoTasksReadsAsItsShareOfTheirReservation(Engines engines) {
        try (RunningEnvironment env = RunningEnvironment.of("dev").withProject("stress").start(engines);
             RuntimeMetrics metrics = RuntimeMetrics.start(env.runtime())) {
            assertThat(env.pipeline().deploy("frontend", "v1").succeeded()).as("deploy of frontend").isTrue();
            env.desiredCount("frontend", 2);
            await("two frontend tasks").atMost(Duration.ofSeconds(60)).until(() -> env.service("frontend").runningTasks().size() == 2
                    && env.service("frontend").steadyState());
            MetricId cpu = metrics.ecsMetric("frontend", AwsMetrics.CPU_UTILIZATION);
            double idle = average(metrics, cpu);
            try (ServiceStress stress = ServiceStress.start(env.runtime(), "frontend", Resource.CPU)) {
                // 0.9 task loads over 2 tasks of 256 cpu units: 45 % each, 0.225 cores in all.
                stress.demand(0.9, 100);
                settle(metrics);
                double spread = average(metrics, cpu);
                assertThat(spread).as("CPUUtilization under 0.9 task loads on 2 tasks (idle %.1f %%)", idle).isBetween(38.0, 52.0);
                assertThat(stress.delivered()).as("share of the demand the machine gave").isGreaterThan(0.85);
                assertThat(env.service("frontend").tasks().stream().filter(t -> !t.stopped()).mapToInt(t -> t.sidecars().size()).sum())
                        .as("one sidecar charged to each task").isEqualTo(2);

                // 3 task loads on 2 tasks would be 150 % each: a Fargate task's cpu is a hard limit, so it is capped at 100 %.
                stress.demand(3, 100);
                settle(metrics);
                assertThat(average(metrics, cpu)).as("CPUUtilization of a demand above the tasks' reservations").isBetween(85.0, 108.0);
            }
            List<EcsTask> live = env.service("frontend").tasks().stream().filter(t -> !t.stopped()).toList();
            assertThat(live).allSatisfy(t -> assertThat(t.sidecars()).as("sidecars of %s after the stress", t.taskId()).isEmpty());
            settle(metrics);
            assertThat(average(metrics, cpu)).as("CPUUtilization once the stress has ended").isLessThan(idle + 10);
        }
    }

    @Test
    void aMemoryDemandHoldsItsShareOfTheTaskMemory(Engines engines) {
        try (RunningEnvironment env = RunningEnvironment.of("dev").withProject("stressmem").start(engines);
             RuntimeMetrics metrics = RuntimeMetrics.start(env.runtime())) {
            assertThat(env.pipeline().deploy("admin", "v1").succeeded()).as("deploy of admin").isTrue();
            MetricId memory = metrics.ecsMetric("admin", AwsMetrics.MEMORY_UTILIZATION);
            double idle = average(metrics, memory);
            try (ServiceStress stress = ServiceStress.start(env.runtime(), "admin", Resource.MEMORY)) {
                // 0.6 task loads on admin's one task of 512 MiB: 60 %, the sidecar holding what the app does not.
                stress.demand(0.6, 90);
                settle(metrics);
                assertThat(average(metrics, memory)).as("MemoryUtilization under 0.6 task loads (idle %.1f %%)", idle).isBetween(55.0, 65.0);
                // Above what a task may hold before it is killed: held at 90 %, and the task lives.
                stress.demand(2, 90);
                settle(metrics);
                assertThat(average(metrics, memory)).as("MemoryUtilization of a demand above the cap").isBetween(84.0, 92.0);
                assertThat(env.service("admin").runningTasks()).as("admin's task, not killed for its memory").hasSize(1);
            }
            settle(metrics);
            assertThat(average(metrics, memory)).as("MemoryUtilization once the stress has ended").isLessThan(idle + 5);
        }
    }

    /** Lets the sidecars start and the shares settle: two seconds, then the periods to average. */
    private static void settle(RuntimeMetrics metrics) {
        long after = metrics.lastPeriod() + 2;
        await("metric periods").atMost(Duration.ofSeconds(30)).until(() -> metrics.lastPeriod() >= after);
    }

    /** The mean of the next {@link #PERIODS} datapoints. */
    private static double average(RuntimeMetrics metrics, MetricId id) {
        long first = metrics.lastPeriod() + 1;
        long last = first + PERIODS - 1;
        await("metric periods " + first + " to " + last).atMost(Duration.ofSeconds(30)).until(() -> metrics.lastPeriod() >= last);
        OptionalDouble mean = metrics.store().series(id).all().stream().filter(p -> p.period() >= first && p.period() <= last)
                .mapToDouble(Datapoint::value).average();
        assertThat(mean).as("datapoints of %s", id).isPresent();
        return mean.getAsDouble();
    }
}
