package dev.preflight.scenarios.secrets;

import static dev.preflight.scenarios.secrets.TaskProbe.sha256;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.preflight.deploy.DeployResult;
import dev.preflight.ecs.ServiceTimeline;
import dev.preflight.engine.Engines;
import dev.preflight.environment.Environment;
import dev.preflight.junit.PreflightEnvironment;
import dev.preflight.provision.DatabaseSecret;
import dev.preflight.report.ScenarioReport;
import dev.preflight.running.RunningEnvironment;
import dev.preflight.secrets.DatabaseLogin;
import dev.preflight.secrets.RotationException;
import dev.preflight.secrets.RotationInProgressException;
import dev.preflight.secrets.RotationResult;
import dev.preflight.secrets.RotationStep;
import dev.preflight.secrets.SecretRotation;
import dev.preflight.secrets.SecretRotation.Strategy;
import dev.preflight.secrets.SecretTimeline;
import dev.preflight.secrets.SecretVersion;
import dev.preflight.traffic.LoadProfile;
import dev.preflight.traffic.LoadRun;
import dev.preflight.traffic.LoadSummary;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A rotation whose setSecret never reached the database fails at testSecret (a real login with the
 * pending password, refused by PostgreSQL): AWSCURRENT is unchanged and still logs in, AWSPENDING
 * is visible on the new version, both read by stage name; the lingering AWSPENDING blocks the next
 * rotation until an operator removes it; the service under load never notices.
 */
@PreflightEnvironment
class FailedRotationTest {
    private static final LoadProfile LOAD = LoadProfile.of(15, Duration.ofSeconds(12)).withPath("/api/db").withMaxConcurrency(100);

    @Test
    void aRotationWhoseTestSecretFailsLeavesAwsCurrentUnchangedAndAwsPendingVisible(Engines engines) {
        try (RunningEnvironment running = RunningEnvironment.of("dev").withProject("rotfail").start(engines)) {
            Environment env = running.environment();
            DeployResult v1 = running.pipeline().deploy("api", "v1");
            assertThat(v1.succeeded()).as("deploy of v1: %s", v1).isTrue();
            SecretRotation rotation = SecretRotation.of(env);
            String currentBefore = SecretVersion.holding(rotation.versions("db-credentials"), SecretVersion.CURRENT).orElseThrow().versionId();
            DatabaseSecret valueBefore = rotation.read("db-credentials", "AWSCURRENT");

            ScenarioReport report = ScenarioReport.named("A rotation whose testSecret fails leaves AWSCURRENT and shows AWSPENDING");
            report.section("Setup", SecretTopologies.setup("1 task", LOAD));
            boolean passed = false;
            String verdict = "did not finish";
            try (ServiceTimeline tasks = ServiceTimeline.record(running.runtime().service("api"));
                 SecretTimeline secrets = SecretTimeline.record(env, "db-credentials");
                 LoadRun load = running.load(LOAD)) {
                try {
                    RotationRedeployTest.pause(Duration.ofSeconds(2));
                    RotationException failure = catchThrowableOfType(RotationException.class,
                            () -> rotation.withListener(secrets).skippingSetSecret().rotate("db-credentials", Strategy.SINGLE_USER));

                    assertThat(failure).as("the rotation must fail").isNotNull();
                    assertThat(failure.failedStep()).as("failed step").contains(RotationStep.TEST_SECRET);
                    assertThat(failure.getMessage()).contains("failed at testSecret").contains("28P01")
                            .contains("AWSCURRENT is unchanged on version " + currentBefore).contains("keeps AWSPENDING");
                    String pendingVersion = failure.pendingVersionId().orElseThrow();

                    DatabaseSecret current = rotation.read("db-credentials", "AWSCURRENT");
                    DatabaseSecret pending = rotation.read("db-credentials", "AWSPENDING");
                    List<SecretVersion> versions = rotation.versions("db-credentials");
                    assertThat(SecretVersion.holding(versions, SecretVersion.CURRENT)).map(SecretVersion::versionId).contains(currentBefore);
                    assertThat(SecretVersion.holding(versions, SecretVersion.PENDING)).map(SecretVersion::versionId).contains(pendingVersion);
                    assertThat(sha256(current.password())).as("AWSCURRENT's password").isEqualTo(sha256(valueBefore.password()));
                    DatabaseLogin.Result currentLogin = DatabaseLogin.attempt(current);
                    DatabaseLogin.Result pendingLogin = DatabaseLogin.attempt(pending);
                    assertThat(currentLogin.ok()).as("AWSCURRENT still logs in: %s", currentLogin).isTrue();
                    assertThat(pendingLogin.sqlState()).as("AWSPENDING never reached the database: %s", pendingLogin).isEqualTo("28P01");

                    RotationInProgressException blocked = catchThrowableOfType(RotationInProgressException.class,
                            () -> rotation.rotate("db-credentials", Strategy.SINGLE_USER));
                    assertThat(blocked).as("the next rotation must be refused").isNotNull();
                    assertThat(blocked.lingeringVersionId()).isEqualTo(pendingVersion);
                    assertThat(blocked.getMessage()).contains("version " + pendingVersion + " is labelled AWSPENDING")
                            .contains("A previous rotation isn't complete");
                    report.event(Instant.now(), "next rotation refused: AWSPENDING lingers");

                    // The operator's way out: remove the label, rotate again.
                    assertThat(rotation.cancelPending("db-credentials")).contains(pendingVersion);
                    report.event(Instant.now(), "AWSPENDING removed from " + pendingVersion.substring(0, 8));
                    load.awaitCompletion(Duration.ofSeconds(60));
                    LoadSummary summary = load.summary();
                    // After the load: a single-user rotation changes the password under the running task.
                    RotationResult retry = rotation.withListener(secrets).rotate("db-credentials", Strategy.SINGLE_USER);

                    report.section("The failed rotation", failure.getMessage() + "\n\n" + failure.result().describe())
                            .section("Read back by stage name", "AWSCURRENT: version " + currentBefore + ", " + currentLogin
                                    + "\nAWSPENDING: version " + pendingVersion + ", " + pendingLogin)
                            .section("The next rotation, refused", blocked.getMessage())
                            .section("After removing AWSPENDING", retry.describe());
                    assertThat(summary.failed()).as("the running service under the failed rotation: %s", summary.describe()).isZero();
                    assertThat(retry.succeeded()).isTrue();
                    passed = true;
                    verdict = "failed at testSecret; AWSCURRENT unchanged (" + currentBefore.substring(0, 8) + "), AWSPENDING on "
                            + pendingVersion.substring(0, 8) + "; next rotation refused until removed; " + summary.describe();
                } catch (AssertionError | RuntimeException e) {
                    verdict = e.getMessage();
                    throw e;
                } finally {
                    RotationReport.write(report, load, tasks, secrets, passed, verdict);
                }
            }
        }
    }
}
