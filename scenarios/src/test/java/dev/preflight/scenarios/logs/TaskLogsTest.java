package dev.preflight.scenarios.logs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.deploy.DeployResult;
import dev.preflight.ecs.EcsTask;
import dev.preflight.engine.Engines;
import dev.preflight.junit.PreflightEnvironment;
import dev.preflight.provision.PostgresAdmin;
import dev.preflight.report.ScenarioReport;
import dev.preflight.running.RunningEnvironment;
import dev.preflight.secrets.DatabaseSessions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every task's stdout and stderr land in its own CloudWatch Logs stream, named as ECS's awslogs
 * driver names it ({@code <prefix>/<container>/<task id>} in the task definition's group): each
 * task's startup line is read back with FilterLogEvents, and an error a task prints on stderr
 * arrives in that task's stream and no other.
 */
@PreflightEnvironment
class TaskLogsTest {

    @Test
    void eachTasksStartupLineAndItsErrorsAreInItsOwnLogStream(Engines engines) throws Exception {
        try (RunningEnvironment env = RunningEnvironment.of("dev").withProject("tasklogs").start(engines)) {
            env.desiredCount("api", 2);
            DeployResult v1 = env.pipeline().deploy("api", "v1");
            assertThat(v1.succeeded()).as("deploy of v1: %s", v1).isTrue();
            List<EcsTask> tasks = env.runtime().service("api").runningTasks();
            assertThat(tasks).hasSize(2);
            String prefix = env.environment().topology().naming().prefix();
            StringBuilder read = new StringBuilder();

            List<TaskLogs.Stream> streams = new ArrayList<>();
            for (EcsTask task : tasks) {
                TaskLogs.Stream stream = TaskLogs.of(env.environment(), task);
                streams.add(stream);
                assertThat(stream.group()).isEqualTo("/ecs/" + prefix + "/api");
                assertThat(stream.name()).isEqualTo("api/api/" + task.taskId());

                List<String> startup = TaskLogs.await(env.environment(), stream, "\"listening on\"", Duration.ofSeconds(15));

                assertThat(startup).as("startup line of task %s in %s", task.taskId(), stream).singleElement().asString()
                        .matches("preflight-sample-app version=v1 listening on 127\\.0\\.0\\.1:" + task.port() + " startup_ms=\\d+");
                read.append(stream).append(":\n  ").append(startup.get(0)).append('\n');
            }

            // stderr: a DBA disables the role and ends its sessions (the app opened one at start-up), so the first task's
            // next database request fails and it says so on stderr.
            EcsTask first = tasks.get(0);
            String role = env.environment().database("app-db").username();
            PostgresAdmin admin = new PostgresAdmin(engines.postgres());
            HttpResponse<String> response;
            admin.execute("alter role " + role + " nologin");
            DatabaseSessions.of(engines.postgres()).terminate(role);
            try {
                response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + first.port() + "/api/db")).timeout(Duration.ofSeconds(15)).build(),
                        HttpResponse.BodyHandlers.ofString());
            } finally {
                admin.execute("alter role " + role + " login");
            }
            assertThat(response.statusCode()).as("GET /api/db of task %s: %s", first.taskId(), response.body()).isEqualTo(503);

            List<String> errors = TaskLogs.await(env.environment(), streams.get(0), "\"db error\"", Duration.ofSeconds(15));

            assertThat(errors).as("stderr of task %s", first.taskId()).isNotEmpty()
                    .allMatch(l -> l.contains("28000") && l.contains("not permitted to log in"), "the server's reason, 28000");
            assertThat(TaskLogs.filter(env.environment(), streams.get(1), "\"db error\""))
                    .as("the other task's stream has none of the first task's errors").isEmpty();
            read.append(streams.get(0)).append(" (stderr):\n  ").append(errors.get(0)).append('\n');

            ScenarioReport.named("Task logs: each task's stdout and stderr in its own CloudWatch stream")
                    .section("Lines read back with FilterLogEvents", read.toString())
                    .verdict(true, tasks.size() + " tasks: startup line in each task's own stream; a stderr line in its task's stream only")
                    .write(ScenarioReport.defaultDir());
        }
    }
}
