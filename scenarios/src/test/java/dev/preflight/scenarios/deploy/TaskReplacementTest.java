package dev.preflight.scenarios.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.preflight.deploy.DeployResult;
import dev.preflight.ecs.EcsTask;
import dev.preflight.ecs.ServiceScheduler;
import dev.preflight.engine.Engines;
import dev.preflight.junit.PreflightEnvironment;
import dev.preflight.running.RunningEnvironment;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A task killed with SIGKILL is replaced and the service returns to steady state. */
@PreflightEnvironment
class TaskReplacementTest {

    @Test
    void aTaskKilledWithSigkillIsReplaced(Engines engines) {
        try (RunningEnvironment env = RunningEnvironment.of("dev").withProject("replace").start(engines)) {
            env.desiredCount("api", 2);
            assertThat(env.pipeline().deploy("api", "v1").result()).isEqualTo(DeployResult.Result.SUCCEEDED);
            ServiceScheduler api = env.runtime().service("api");
            EcsTask victim = api.runningTasks().get(0);

            victim.process().kill();

            await("task " + victim.taskId() + " to be stopped").atMost(Duration.ofSeconds(20))
                    .until(() -> api.tasks().stream().anyMatch(t -> t.taskId().equals(victim.taskId()) && t.stopped()));
            EcsTask stopped = api.tasks().stream().filter(t -> t.taskId().equals(victim.taskId())).findFirst().orElseThrow();
            assertThat(stopped.stoppedReason()).isEqualTo("Essential container in task exited");
            assertThat(stopped.exitCode()).isEqualTo(137);
            await("a replacement task and steady state").atMost(Duration.ofSeconds(30)).until(() ->
                    api.steadyState() && api.runningTasks().size() == 2
                            && api.runningTasks().stream().noneMatch(t -> t.taskId().equals(victim.taskId())));
            assertThat(env.runtime().loadBalancer().targetGroup("api").healthyCount()).isEqualTo(2);
        }
    }
}
