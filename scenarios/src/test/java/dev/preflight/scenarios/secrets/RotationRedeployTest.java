package dev.preflight.scenarios.secrets;

import static dev.preflight.scenarios.secrets.TaskProbe.sha256;
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
import dev.preflight.running.RunningEnvironment;
import dev.preflight.secrets.DatabaseLogin;
import dev.preflight.secrets.RotationResult;
import dev.preflight.secrets.SecretRotation;
import dev.preflight.secrets.SecretRotation.Strategy;
import dev.preflight.secrets.SecretTimeline;
import dev.preflight.traffic.LoadProfile;
import dev.preflight.traffic.LoadRun;
import dev.preflight.traffic.LoadSummary;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Rotate the database credential, then force a new deployment of api while /api/db is under
 * load: every request succeeds, and every new task logs in with the new credential. With a single
 * user the old password stops working at the rotation; with alternating users the tasks move to
 * {@code <user>_clone}, and the previous user keeps working until the next rotation.
 */
@Tag("containers")
@PreflightEnvironment
class RotationRedeployTest {
    private static final int TASKS = 2;
    private static final LoadProfile LOAD = LoadProfile.of(25, Duration.ofSeconds(20)).withPath("/api/db").withMaxConcurrency(100);

    @Test
    void singleUserRotationThenForcedDeploymentUnderLoadLosesNoRequestAndRetiresTheOldPassword(Engines engines) {
        try (RunningEnvironment running = RunningEnvironment.of("dev").withProject("rotsingle").start(engines)) {
            Outcome o = rotateThenRedeploy(running, Strategy.SINGLE_USER,
                    "Rotation (single user), then a forced deployment under load on /api/db", (outcome, report) -> {
                        assertThat(outcome.usersOfNewTasks().values()).as("users the new tasks log in as")
                                .containsOnly(outcome.before().username());
                        DatabaseLogin.Result old = DatabaseLogin.attempt(outcome.before());
                        report.section("JDBC login with the old password", old.toString());
                        assertThat(old.ok()).as("a login with the old password after a single-user rotation: %s", old).isFalse();
                        assertThat(old.sqlState()).isEqualTo("28P01");
                    });
            assertThat(o.summary().failed()).as("failed requests: %s", o.summary().describe()).isZero();
        }
    }

    @Test
    void alternatingUsersRotationThenForcedDeploymentMovesTheTasksToTheCloneAndThePreviousUserWorksUntilTheNextRotation(Engines engines) {
        try (RunningEnvironment running = RunningEnvironment.of("dev").withProject("rotalternate").start(engines)) {
            Outcome o = rotateThenRedeploy(running, Strategy.ALTERNATING_USERS,
                    "Rotation (alternating users), then a forced deployment under load on /api/db", (outcome, report) -> {
                        String clone = outcome.before().username() + "_clone";
                        assertThat(outcome.usersOfNewTasks().values()).as("users the new tasks log in as").containsOnly(clone);
                        DatabaseLogin.Result previousUser = DatabaseLogin.attempt(outcome.before());
                        assertThat(previousUser.ok()).as("the previous user after the first rotation: %s", previousUser).isTrue();

                        // The next rotation alternates back: the original user gets a new password, the clone stays valid.
                        RotationResult second = SecretRotation.of(outcome.env()).withListener(outcome.secrets())
                                .rotate("db-credentials", Strategy.ALTERNATING_USERS);
                        DatabaseLogin.Result afterSecond = DatabaseLogin.attempt(outcome.before());
                        DatabaseLogin.Result cloneNow = DatabaseLogin.attempt(outcome.after());
                        Map<String, String> usersNow = usersOf(outcome.tasks());
                        report.section("Second rotation (no deployment)", second.describe()
                                + "\nJDBC login with the credential of before the first rotation: " + afterSecond
                                + "\nJDBC login with the clone's credential (now AWSPREVIOUS): " + cloneNow
                                + "\nGET /api/db of each running task: " + usersNow);
                        assertThat(second.user()).isEqualTo(outcome.before().username());
                        assertThat(afterSecond.sqlState()).as("the original user's old password after the second rotation")
                                .isEqualTo("28P01");
                        assertThat(cloneNow.ok()).as("the clone's credential after the second rotation: %s", cloneNow).isTrue();
                        assertThat(usersNow.values()).as("the running tasks still work as the clone").containsOnly(clone);
                    });
            assertThat(o.summary().failed()).as("failed requests: %s", o.summary().describe()).isZero();
        }
    }

    record Outcome(Environment env, SecretTimeline secrets, DatabaseSecret before, DatabaseSecret after, RotationResult rotation,
                   LoadSummary summary, List<EcsTask> tasks, Map<String, String> usersOfNewTasks) {
    }

    @FunctionalInterface
    interface Checks {
        void check(Outcome outcome, ScenarioReport report);
    }

    private static Outcome rotateThenRedeploy(RunningEnvironment running, Strategy strategy, String title, Checks checks) {
        Environment env = running.environment();
        running.desiredCount("api", TASKS);
        DeployResult v1 = running.pipeline().deploy("api", "v1");
        assertThat(v1.succeeded()).as("deploy of v1: %s", v1).isTrue();
        ServiceScheduler api = running.runtime().service("api");
        Set<String> oldTasks = api.runningTasks().stream().map(EcsTask::taskId).collect(Collectors.toSet());
        String oldDeployment = api.primary().orElseThrow().id();
        DatabaseSecret before = SecretRotation.of(env).read("db-credentials", "AWSCURRENT");

        ScenarioReport report = ScenarioReport.named(title);
        report.section("Setup", SecretTopologies.setup(TASKS + " tasks", LOAD));
        boolean passed = false;
        String verdict = "did not finish";
        try (ServiceTimeline tasks = ServiceTimeline.record(api);
             SecretTimeline secrets = SecretTimeline.record(env, "db-credentials");
             LoadRun load = running.load(LOAD)) {
            try {
                pause(Duration.ofSeconds(2));
                RotationResult rotation = SecretRotation.of(env).withListener(secrets).rotate("db-credentials", strategy);
                Instant forced = Instant.now();
                running.runtime().forceNewDeployment("api");
                report.event(forced, "forceNewDeployment api");
                Awaitility.await("the forced deployment of api to complete").atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofMillis(100))
                        .until(() -> api.primary().filter(d -> !d.id().equals(oldDeployment)
                                && d.rolloutState() == Deployment.RolloutState.COMPLETED).isPresent() && api.steadyState());
                report.event(Instant.now(), "forced deployment completed");
                load.awaitCompletion(Duration.ofSeconds(60));
                LoadSummary summary = load.summary();

                List<EcsTask> now = api.runningTasks();
                DatabaseSecret after = SecretRotation.of(env).read("db-credentials", "AWSCURRENT");
                Map<String, String> users = usersOf(now);
                String currentFingerprint = sha256(env.secretValue("db-credentials"));
                Map<String, String> injected = new LinkedHashMap<>();
                now.forEach(t -> injected.put(t.taskId(), sha256(TaskProbe.environment(t).get("DB_SECRET"))));
                report.section("Rotation", rotation.describe())
                        .section("Tasks after the deployment", now.stream().map(t -> t.taskId() + " logs in as " + users.get(t.taskId())
                                + ", DB_SECRET " + injected.get(t.taskId()) + (oldTasks.contains(t.taskId()) ? " (OLD task)" : " (new)"))
                                .collect(Collectors.joining("\n")) + "\nAWSCURRENT of db-credentials: " + currentFingerprint);

                assertThat(now).as("running tasks after the deployment").hasSize(TASKS)
                        .noneMatch(t -> oldTasks.contains(t.taskId()), "a task started before the rotation");
                assertThat(injected.values()).as("DB_SECRET each new task was started with").containsOnly(currentFingerprint);
                Outcome outcome = new Outcome(env, secrets, before, after, rotation, summary, now, users);
                checks.check(outcome, report);
                passed = summary.failed() == 0;
                verdict = summary.describe();
                return outcome;
            } catch (AssertionError | RuntimeException e) {
                verdict = e.getMessage();
                throw e;
            } finally {
                RotationReport.write(report, load, tasks, secrets, passed, verdict);
            }
        }
    }

    static Map<String, String> usersOf(List<EcsTask> tasks) {
        Map<String, String> users = new LinkedHashMap<>();
        tasks.forEach(t -> users.put(t.taskId(), TaskProbe.databaseUser(t)));
        return users;
    }

    /** The load runs on its own schedule; the test only lets it run a little before acting. */
    static void pause(Duration d) {
        if (d.isNegative() || d.isZero()) {
            return;
        }
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
