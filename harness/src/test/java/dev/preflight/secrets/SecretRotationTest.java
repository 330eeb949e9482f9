package dev.preflight.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.preflight.aws.AwsClients;
import dev.preflight.engine.EngineSettings;
import dev.preflight.engine.Engines;
import dev.preflight.provision.DatabaseSecret;
import dev.preflight.provision.Passwords;
import dev.preflight.provision.PostgresAdmin;
import dev.preflight.report.ScenarioReport;
import dev.preflight.secrets.SecretRotation.Strategy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rotation against the real engines: moto for Secrets Manager, PostgreSQL whose roles have SCRAM
 * passwords, so a password that was not changed really fails to log in.
 */
class SecretRotationTest {
    private static Engines engines;
    private static AwsClients aws;
    private static PostgresAdmin admin;

    @BeforeAll
    static void startEngines() {
        engines = Engines.create(EngineSettings.fromSystem()).start();
        aws = new AwsClients(engines.aws(), "eu-west-1");
        admin = new PostgresAdmin(engines.postgres());
    }

    @AfterAll
    static void stopEngines() {
        if (aws != null) {
            aws.close();
        }
        if (engines != null) {
            engines.close();
        }
    }

    /** A role with a password, its own database, and a secret in RDS's form naming both. */
    private static DatabaseSecret databaseWithSecret(String name) {
        String password = Passwords.generate(32);
        admin.createRole(name, password);
        admin.createDatabase(name + "_db", name);
        DatabaseSecret secret = new DatabaseSecret(name, password, "postgres", engines.postgres().host(), engines.postgres().port(),
                name + "_db");
        aws.secrets().createSecret(r -> r.name("test/" + name).secretString(secret.toJson()));
        return secret;
    }

    private static SecretRotation rotation() {
        return SecretRotation.using(aws.secrets(), engines.postgres());
    }

    private static String stageHolder(String secret, String stage) {
        return SecretVersion.holding(SecretVersion.list(aws.secrets(), secret), stage).map(SecretVersion::versionId).orElse(null);
    }

    @Test
    void singleUserChangesThePasswordSoTheOldOneNoLongerLogsIn() {
        DatabaseSecret original = databaseWithSecret("rot_single");
        List<String> heard = new ArrayList<>();

        RotationResult result = rotation().withListener((arn, version, step) -> heard.add(step.step() + (step.ok() ? " ok" : " failed")))
                .rotate("test/rot_single", Strategy.SINGLE_USER);

        assertThat(result.succeeded()).as(result.describe()).isTrue();
        assertThat(result.steps()).extracting(RotationResult.StepOutcome::step).containsExactly(RotationStep.values());
        assertThat(heard).containsExactly("createSecret ok", "setSecret ok", "testSecret ok", "finishSecret ok");
        assertThat(result.user()).isEqualTo("rot_single").isEqualTo(result.previousUser());
        DatabaseSecret current = rotation().read("test/rot_single", "AWSCURRENT");
        DatabaseSecret previous = rotation().read("test/rot_single", "AWSPREVIOUS");
        assertThat(current.password()).isNotEqualTo(original.password());
        assertThat(previous.password().equals(original.password())).as("AWSPREVIOUS holds the old password").isTrue();
        assertThat(DatabaseLogin.attempt(current)).matches(DatabaseLogin.Result::ok, "new password logs in");
        DatabaseLogin.Result old = DatabaseLogin.attempt(previous);
        assertThat(old.ok()).isFalse();
        assertThat(old.sqlState()).isEqualTo("28P01");
        assertThat(stageHolder("test/rot_single", "AWSCURRENT")).isEqualTo(result.versionId());
        assertThat(stageHolder("test/rot_single", "AWSPREVIOUS")).isEqualTo(result.previousVersionId());
        assertThat(stageHolder("test/rot_single", "AWSPENDING")).as("a finished rotation leaves no AWSPENDING").isNull();
        assertThat(result.describe()).doesNotContain(current.password()).doesNotContain(original.password());
    }

    @Test
    void alternatingUsersClonesTheUserThenAlternatesAndThePreviousCredentialWorksUntilTheNextRotation() throws SQLException {
        DatabaseSecret original = databaseWithSecret("rot_alt");
        try (Connection c = login(original); Statement s = c.createStatement()) {
            s.execute("create table items(id serial primary key, body text)");
            s.execute("insert into items(body) values ('made by the original user')");
        }

        RotationResult first = rotation().rotate("test/rot_alt", Strategy.ALTERNATING_USERS);

        assertThat(first.user()).isEqualTo("rot_alt_clone");
        assertThat(first.step(RotationStep.SET_SECRET).orElseThrow().detail()).contains("CREATE ROLE rot_alt_clone")
                .contains("GRANT rot_alt TO rot_alt_clone");
        DatabaseSecret clone = rotation().read("test/rot_alt", "AWSCURRENT");
        assertThat(clone.username()).isEqualTo("rot_alt_clone");
        assertThat(DatabaseLogin.attempt(clone).user()).isEqualTo("rot_alt_clone");
        assertThat(DatabaseLogin.attempt(original).ok()).as("the previous user still logs in").isTrue();
        try (Connection c = login(clone); Statement s = c.createStatement()) {
            s.execute("insert into items(body) values ('made by the clone')");
            var rs = s.executeQuery("select count(*) from items");
            rs.next();
            assertThat(rs.getInt(1)).as("the clone uses the original user's table").isEqualTo(2);
        }

        RotationResult second = rotation().rotate("test/rot_alt", Strategy.ALTERNATING_USERS);

        assertThat(second.user()).isEqualTo("rot_alt");
        DatabaseSecret back = rotation().read("test/rot_alt", "AWSCURRENT");
        assertThat(DatabaseLogin.attempt(back).user()).isEqualTo("rot_alt");
        assertThat(DatabaseLogin.attempt(clone).ok()).as("the clone (now AWSPREVIOUS) still logs in").isTrue();
        assertThat(DatabaseLogin.attempt(original).sqlState()).as("the original password changed at the second rotation")
                .isEqualTo("28P01");

        RotationResult third = rotation().rotate("test/rot_alt", Strategy.ALTERNATING_USERS);

        assertThat(third.user()).isEqualTo("rot_alt_clone");
        assertThat(DatabaseLogin.attempt(back).ok()).isTrue();
        assertThat(DatabaseLogin.attempt(clone).sqlState()).as("the clone's first password changed at the third rotation")
                .isEqualTo("28P01");
        admin.dropDatabase("rot_alt_db");
        admin.dropRole("rot_alt_clone");
    }

    @Test
    void aFailedTestSecretLeavesAwsCurrentAndAwsPendingAndBlocksTheNextRotationUntilCancelled() {
        DatabaseSecret original = databaseWithSecret("rot_fail");
        String currentBefore = stageHolder("test/rot_fail", "AWSCURRENT");

        RotationException failure = null;
        try {
            rotation().skippingSetSecret().rotate("test/rot_fail", Strategy.SINGLE_USER);
        } catch (RotationException e) {
            failure = e;
        }

        assertThat(failure).as("the rotation must fail at testSecret").isNotNull();
        assertThat(failure.failedStep()).contains(RotationStep.TEST_SECRET);
        assertThat(failure.getMessage()).contains("failed at testSecret").contains("28P01")
                .contains("AWSCURRENT is unchanged on version " + currentBefore)
                .contains("keeps AWSPENDING");
        assertThat(failure.result().steps()).extracting(RotationResult.StepOutcome::ok).containsExactly(true, true, false);
        assertThat(stageHolder("test/rot_fail", "AWSCURRENT")).isEqualTo(currentBefore);
        assertThat(stageHolder("test/rot_fail", "AWSPENDING")).isEqualTo(failure.pendingVersionId().orElseThrow());
        DatabaseSecret current = rotation().read("test/rot_fail", "AWSCURRENT");
        DatabaseSecret pending = rotation().read("test/rot_fail", "AWSPENDING");
        assertThat(current.password().equals(original.password())).isTrue();
        assertThat(DatabaseLogin.attempt(current).ok()).isTrue();
        assertThat(DatabaseLogin.attempt(pending).ok()).isFalse();
        SecretValues values = SecretValues.collect(aws.secrets(), "test/rot_fail");
        assertThat(SecretScan.of(values).throwable("rotation failure", failure).result().clean()).isTrue();

        assertThatThrownBy(() -> rotation().rotate("test/rot_fail", Strategy.SINGLE_USER))
                .isInstanceOf(RotationInProgressException.class)
                .hasMessageContaining("version " + failure.pendingVersionId().orElseThrow() + " is labelled AWSPENDING")
                .hasMessageContaining("remove-from-version-id");

        assertThat(rotation().cancelPending("test/rot_fail")).isEqualTo(failure.pendingVersionId());
        assertThat(rotation().rotate("test/rot_fail", Strategy.SINGLE_USER).succeeded()).isTrue();
    }

    @Test
    void rotatingASecretThatDoesNotExistSaysSo() {
        assertThatThrownBy(() -> rotation().rotate("test/no-such-secret", Strategy.SINGLE_USER))
                .isInstanceOf(RotationException.class)
                .hasMessageContaining("Cannot rotate secret test/no-such-secret")
                .hasMessageContaining("Fix: name a secret that exists");
    }

    @Test
    void aSecretThatIsNotADatabaseSecretFailsAtCreateSecretWithoutShowingTheValue() {
        String value = Passwords.generate(32);
        aws.secrets().createSecret(r -> r.name("test/plain-key").secretString(value));

        assertThatThrownBy(() -> rotation().rotate("test/plain-key", Strategy.SINGLE_USER))
                .isInstanceOf(RotationException.class)
                .hasMessageContaining("failed at createSecret")
                .hasMessageContaining("is not a database secret")
                .hasMessageContaining("no AWSPENDING version was left")
                .satisfies(e -> assertThat(SecretScan.of(SecretValues.of("plain", "v", value)).throwable("e", e).result().clean()).isTrue());
    }

    @Test
    void theTimelineShowsEachVersionWithItsStagesOverTimeAndEachStepAsAnEvent(@TempDir Path reports) throws Exception {
        databaseWithSecret("rot_timeline");
        String secretArn = aws.secrets().describeSecret(r -> r.secretId("test/rot_timeline")).arn();
        RotationResult result;
        try (SecretTimeline timeline = SecretTimeline.record(aws.secrets(), Map.of("test/rot_timeline", secretArn), Duration.ofMillis(50))) {
            result = rotation().withListener(timeline).rotate("test/rot_timeline", Strategy.SINGLE_USER);
            assertThat(timeline.stepLines()).hasSize(4).allMatch(l -> l.contains("test/rot_timeline"));
            Path page = timeline.addTo(ScenarioReport.named("timeline test")).write(reports);
            String html = Files.readString(page);

            assertThat(html).contains("secret test/rot_timeline: version # holding each stage")
                    .contains("AWSCURRENT").contains("AWSPREVIOUS").contains("AWSPENDING")
                    .contains("createSecret (#2)").contains("finishSecret (#2)")
                    .contains("#1 " + result.previousVersionId() + ":").contains("#2 " + result.versionId() + ":");
            DatabaseSecret current = rotation().read("test/rot_timeline", "AWSCURRENT");
            assertThat(html).doesNotContain(current.password());
        }
    }

    private static Connection login(DatabaseSecret secret) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", secret.username());
        props.setProperty("password", secret.password());
        return DriverManager.getConnection(secret.jdbcUrl(), props);
    }
}
