package dev.preflight.scenarios.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.deploy.DeployResult;
import dev.preflight.ecs.Deployment;
import dev.preflight.ecs.EcsTask;
import dev.preflight.ecs.ServiceScheduler;
import dev.preflight.ecs.ServiceTimeline;
import dev.preflight.engine.Engines;
import dev.preflight.environment.Environment;
import dev.preflight.junit.PreflightEnvironment;
import dev.preflight.provision.DatabaseSecret;
import dev.preflight.report.ScenarioReport;
import dev.preflight.scenarios.logs.TaskLogs;
import dev.preflight.running.RunningEnvironment;
import dev.preflight.secrets.DatabaseSessions;
import dev.preflight.secrets.RotationResult;
import dev.preflight.secrets.SecretRotation;
import dev.preflight.secrets.SecretRotation.Strategy;
import dev.preflight.secrets.SecretTimeline;
import dev.preflight.traffic.LoadProfile;
import dev.preflight.traffic.LoadRun;
import dev.preflight.traffic.LoadSummary;
import dev.preflight.traffic.RequestRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The infrastructure bug users come to reproduce: the database password is rotated (single user)
 * under running tasks without a new deployment, and a DBA revoking the old credential terminates
 * its sessions, so pooled connections die too. The harness shows the tasks losing the database:
 * failed requests on the timeline, the app's 503 on /api/db, and {@code db error} lines in the
 * task's CloudWatch log stream. A forced deployment then recovers: new tasks read the new secret.
 */
@PreflightEnvironment
class RotationRevocationTest {
    /** Below what the app's 32 workers absorb while each failing request waits 3 s for a connection. */
    private static final LoadProfile LOAD = LoadProfile.of(8, Duration.ofSeconds(24)).withPath("/api/db").withMaxConcurrency(100);
    /** How long the revoked task is left failing before a forced deployment recovers it. */
    private static final Duration OUTAGE = Duration.ofSeconds(8);

    @Test
    void rotatingUnderRunningTasksAndTerminatingTheirSessionsCutsThemOffTheDatabaseUntilANewDeployment(Engines engines) {
        try (RunningEnvironment running = RunningEnvironment.of("dev").withProject("rotrevoke").start(engines)) {
            Environment env = running.environment();
            DeployResult v1 = running.pipeline().deploy("api", "v1");
            assertThat(v1.succeeded()).as("deploy of v1: %s", v1).isTrue();
            ServiceScheduler api = running.runtime().service("api");
            EcsTask task = api.runningTasks().get(0);
            TaskLogs.Stream stream = TaskLogs.of(env, task);
            String oldDeployment = api.primary().orElseThrow().id();
            DatabaseSecret before = SecretRotation.of(env).read("db-credentials", "AWSCURRENT");

            ScenarioReport report = ScenarioReport.named("Revoked under running tasks: single-user rotation, sessions terminated");
            report.section("Setup", SecretTopologies.setup("1 task", LOAD));
            boolean passed = false;
            String verdict = "did not finish";
            try (ServiceTimeline tasks = ServiceTimeline.record(api);
                 SecretTimeline secrets = SecretTimeline.record(env, "db-credentials");
                 LoadRun load = running.load(LOAD)) {
                try {
                    RotationRedeployTest.pause(Duration.ofSeconds(3));
                    Instant rotationStart = Instant.now();
                    RotationResult rotation = SecretRotation.of(env).withListener(secrets).rotate("db-credentials", Strategy.SINGLE_USER);
                    int terminated = DatabaseSessions.of(env).terminate(before.username());
                    Instant revoked = Instant.now();
                    report.event(revoked, "pg_terminate_backend: " + terminated + " session(s) of " + before.username());

                    // The task's next connections are refused: its stderr says so, in its CloudWatch stream.
                    List<String> refused = TaskLogs.await(env, stream, "\"28P01\"", Duration.ofSeconds(20));
                    report.event(Instant.now(), "first 'db error: 28P01' line in CloudWatch");
                    // Straight to the task, for the app's own answer.
                    TaskProbe.Answer direct = TaskProbe.get(task, "/api/db", Duration.ofSeconds(20));
                    // Let the outage show on the timeline before recovering.
                    RotationRedeployTest.pause(Duration.between(Instant.now(), revoked.plus(OUTAGE)));

                    Instant forced = Instant.now();
                    running.runtime().forceNewDeployment("api");
                    report.event(forced, "forceNewDeployment api");
                    Awaitility.await("the forced deployment of api to complete").atMost(Duration.ofSeconds(60))
                            .pollInterval(Duration.ofMillis(100))
                            .until(() -> api.primary().filter(d -> !d.id().equals(oldDeployment)
                                    && d.rolloutState() == Deployment.RolloutState.COMPLETED).isPresent() && api.steadyState());
                    Instant recovered = Instant.now();
                    report.event(recovered, "forced deployment completed");
                    load.awaitCompletion(Duration.ofSeconds(60));

                    List<RequestRecord> records = load.records();
                    LoadSummary beforeRotation = LoadSummary.of(due(load, records, null, rotationStart));
                    LoadSummary cutOff = LoadSummary.of(due(load, records, revoked, forced));
                    LoadSummary afterRecovery = LoadSummary.of(due(load, records, recovered.plusSeconds(1), null));
                    List<String> allDbErrors = TaskLogs.filter(env, stream, "\"db error\"");
                    report.section("Rotation", rotation.describe())
                            .section("GET /api/db straight to task " + task.taskId() + " after the revocation", direct.status() + " " + direct.body())
                            .section("db error lines in " + stream + " (" + allDbErrors.size() + ")",
                                    String.join("\n", allDbErrors.subList(0, Math.min(20, allDbErrors.size()))))
                            .section("Requests by phase", "before the rotation: " + beforeRotation.describe()
                                    + "\nrevoked, before the forced deployment: " + cutOff.describe()
                                    + "\n1 s after the forced deployment completed: " + afterRecovery.describe());

                    assertThat(terminated).as("sessions of %s terminated (the task's pooled connections)", before.username()).isPositive();
                    assertThat(beforeRotation.failed()).as("before the rotation: %s", beforeRotation.describe()).isZero();
                    assertThat(cutOff.failed()).as("the harness must show the tasks losing the database: %s", cutOff.describe()).isPositive();
                    assertThat(direct.status()).as("the app's own answer on /api/db: %s", direct.body()).isEqualTo(503);
                    assertThat(direct.body()).contains("database unavailable").contains("28P01");
                    assertThat(cutOff.byStatus()).as("the app's 503s through the load balancer: %s", cutOff.describe()).containsKey(503);
                    assertThat(refused).as("db error lines in the task's CloudWatch stream %s", stream).isNotEmpty()
                            .allMatch(l -> l.startsWith("db error: ") && l.contains("password authentication failed"));
                    assertThat(afterRecovery.total()).as("requests after the recovery").isPositive();
                    assertThat(afterRecovery.failed()).as("after the forced deployment: %s", afterRecovery.describe()).isZero();
                    passed = true;
                    verdict = "caught: " + cutOff.failed() + " of " + cutOff.total() + " requests failed while revoked ("
                            + cutOff.byStatus() + "), " + allDbErrors.size() + " db error lines; recovered by a forced deployment";
                } catch (AssertionError | RuntimeException e) {
                    verdict = e.getMessage();
                    throw e;
                } finally {
                    RotationReport.write(report, load, tasks, secrets, passed, verdict);
                }
            }
        }
    }

    /** Requests due in [from, to) (null: open). */
    private static List<RequestRecord> due(LoadRun load, List<RequestRecord> records, Instant from, Instant to) {
        long fromNanos = from == null ? Long.MIN_VALUE : Duration.between(load.startedAt(), from).toNanos();
        long toNanos = to == null ? Long.MAX_VALUE : Duration.between(load.startedAt(), to).toNanos();
        return records.stream().filter(r -> r.scheduledNanos() >= fromNanos && r.scheduledNanos() < toNanos).toList();
    }
}
