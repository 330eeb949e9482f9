package dev.preflight.scenarios.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.aws.AwsClients;
import dev.preflight.engine.Engines;
import dev.preflight.environment.TopologyLocator;
import dev.preflight.junit.PreflightEnvironment;
import dev.preflight.provision.DatabaseSecret;
import dev.preflight.provision.Passwords;
import dev.preflight.provision.PostgresAdmin;
import dev.preflight.report.ScenarioReport;
import dev.preflight.runtime.SecretResolver;
import dev.preflight.secrets.RunSecrets;
import dev.preflight.secrets.ScanResult;
import dev.preflight.secrets.SecretRotation;
import dev.preflight.secrets.SecretRotation.Strategy;
import dev.preflight.secrets.SecretScan;
import dev.preflight.secrets.SecretValues;
import dev.preflight.topology.TopologyLoader;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * No secret value of the run appears in any log line, report, exception message or test output.
 * Runs after every other scenario class of the module ({@code @Order} last, with
 * {@code junit.jupiter.testclass.order.default} in junit-platform.properties), so it sees what they
 * left: the values are every version of every secret of the environments the scenarios used (those
 * destroyed were collected by {@link RunSecrets} just before, together with a scan of their log
 * groups) and of those still in the engine; the places are the CloudWatch log groups still in the
 * engine, the run folder (every task's local log), the report folder, the module's surefire
 * output, and the exceptions provoked here (a failed rotation, a refused rotation, a missing
 * secret, a JSON key of a string secret, a missing JSON key, a string secret parsed as a database
 * secret).
 */
@Order(Integer.MAX_VALUE)
@PreflightEnvironment
class SecretLeakScanTest {
    private static final String PREFIX = "preflight-scan/";
    private static final String ROLE = "preflight_scan_probe";

    @Test
    void noSecretValueAppearsInAnyLogReportExceptionOrTestOutputOfTheRun(Engines engines) {
        String region = new TopologyLoader().load(TopologyLocator.topologyDir(), "dev").region();
        try (AwsClients aws = new AwsClients(engines.aws(), region)) {
            try {
                scan(aws, engines);
            } finally {
                cleanUp(aws, engines);
            }
        }
    }

    private static void scan(AwsClients aws, Engines engines) {
        Map<String, Throwable> provoked = provoke(aws, engines);

        SecretValues values = RunSecrets.values().and(SecretValues.collectAll(aws.secrets()));
        assertThat(values.size()).as("secret values collected").isPositive();
        String planted = values.values().get(0).value();
        ScanResult selfCheck = SecretScan.of(values).text("planted on purpose", "leaked: " + planted).result();
        assertThat(selfCheck.leaks()).as("the scanner finds a value of this run when one is planted").isNotEmpty();

        Path surefire = Path.of("target", "surefire-reports").toAbsolutePath();
        SecretScan scan = SecretScan.of(values)
                .logGroups(aws.logs())
                .tree(engines.runDir())
                .tree(ScenarioReport.defaultDir())
                .tree(surefire);
        provoked.forEach(scan::throwable);
        ScanResult result = scan.result(RunSecrets.earlierScans().toArray(ScanResult[]::new));

        StringBuilder where = new StringBuilder();
        where.append("values: ").append(values).append('\n')
                .append("environments collected before destroy: ").append(RunSecrets.environments()).append('\n')
                .append("CloudWatch log groups: every group in the engine now, and each destroyed environment's before it went\n")
                .append("run folder (task logs): ").append(engines.runDir()).append('\n')
                .append("report folder: ").append(ScenarioReport.defaultDir()).append('\n')
                .append("surefire output: ").append(surefire).append(" (this class's own output is written after it ends)\n")
                .append("provoked exceptions: ").append(provoked.keySet());
        StringBuilder messages = new StringBuilder();
        if (result.clean()) {
            provoked.forEach((what, e) -> messages.append(what).append(":\n  ").append(e).append("\n"));
        } else {
            messages.append("(not shown: a secret value was found)");
        }
        ScenarioReport.named("No secret value in any log, report, exception or test output")
                .section("What was scanned", where.toString())
                .section("Result", result.describe())
                .section("Skipped: " + result.skipped().size() + " files (binary: image jars, PostgreSQL data; or unreadable), by folder",
                        skippedByFolder(result))
                .section("The provoked exceptions, as they read", messages.toString())
                .verdict(result.clean(), result.describe().lines().findFirst().orElse(""))
                .write(ScenarioReport.defaultDir());

        assertThat(result.sourcesByKind()).as("what was scanned").containsKeys("files", "exceptions");
        assertThat(result.clean()).as(result.describe()).isTrue();
    }

    /** The probe secrets and role go once the scan has read them. */
    private static void cleanUp(AwsClients aws, Engines engines) {
        aws.secrets().listSecrets(r -> r.maxResults(100)).secretList().stream().filter(s -> s.name().startsWith(PREFIX))
                .forEach(s -> aws.secrets().deleteSecret(r -> r.secretId(s.arn()).forceDeleteWithoutRecovery(true)));
        new PostgresAdmin(engines.postgres()).dropRole(ROLE);
    }

    /** Failures whose messages must name what failed without a value; the secrets they use stay in the engine for the scan. */
    private static Map<String, Throwable> provoke(AwsClients aws, Engines engines) {
        Map<String, Throwable> provoked = new LinkedHashMap<>();
        String role = ROLE;
        PostgresAdmin admin = new PostgresAdmin(engines.postgres());
        String password = Passwords.generate(32);
        if (admin.roleExists(role)) {
            admin.setPassword(role, password);
        } else {
            admin.createRole(role, password);
        }
        DatabaseSecret db = new DatabaseSecret(role, password, "postgres", engines.postgres().host(), engines.postgres().port(),
                engines.postgres().adminDatabase());
        String dbArn = aws.secrets().createSecret(r -> r.name(PREFIX + "db-" + System.nanoTime()).secretString(db.toJson())).arn();
        String plainValue = Passwords.generate(32);
        String plainArn = aws.secrets().createSecret(r -> r.name(PREFIX + "key-" + System.nanoTime()).secretString(plainValue)).arn();

        SecretRotation rotation = SecretRotation.using(aws.secrets(), engines.postgres());
        provoked.put("a rotation whose testSecret fails", capture(() -> rotation.skippingSetSecret().rotate(dbArn, Strategy.SINGLE_USER)));
        provoked.put("a rotation refused for a lingering AWSPENDING", capture(() -> rotation.rotate(dbArn, Strategy.SINGLE_USER)));
        provoked.put("a rotation of a string secret", capture(() -> rotation.rotate(plainArn, Strategy.SINGLE_USER)));
        SecretResolver resolver = new SecretResolver(aws.secrets());
        String missingArn = dbArn.substring(0, dbArn.lastIndexOf(':') + 1) + PREFIX + "missing-AbCdEf";
        provoked.put("a task secret that does not exist", capture(() -> resolver.resolve("DB_SECRET", missingArn)));
        provoked.put("a JSON key of a string secret", capture(() -> resolver.resolve("APP_KEY", plainArn + ":password::")));
        provoked.put("a JSON key the secret lacks", capture(() -> resolver.resolve("DB_TOKEN", dbArn + ":token::")));
        provoked.put("a string secret read as a database secret", capture(() -> DatabaseSecret.parse(plainValue)));
        provoked.values().forEach(e -> assertThat(e).as("every provocation must fail").isNotNull());
        return provoked;
    }

    /** "postgres-data/base/5: 312 (binary)" per folder, the largest first. */
    private static String skippedByFolder(ScanResult result) {
        Map<String, Long> counts = new java.util.TreeMap<>();
        for (String skipped : result.skipped()) {
            int reason = skipped.lastIndexOf(" (");
            String path = reason > 0 ? skipped.substring(0, reason) : skipped;
            int slash = path.lastIndexOf('/');
            counts.merge((slash > 0 ? path.substring(0, slash) : path) + (reason > 0 ? skipped.substring(reason) : ""), 1L, Long::sum);
        }
        return counts.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .map(e -> e.getValue() + "  " + e.getKey()).collect(java.util.stream.Collectors.joining("\n"));
    }

    private static Throwable capture(Runnable action) {
        try {
            action.run();
            return null;
        } catch (RuntimeException e) {
            return e;
        }
    }
}
