package dev.preflight.scenarios.secrets;

import static dev.preflight.scenarios.secrets.TaskProbe.sha256;
import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.deploy.DeployResult;
import dev.preflight.ecs.Deployment;
import dev.preflight.ecs.EcsTask;
import dev.preflight.ecs.ServiceScheduler;
import dev.preflight.engine.Engines;
import dev.preflight.environment.Environment;
import dev.preflight.junit.PreflightEnvironment;
import dev.preflight.provision.DatabaseSecret;
import dev.preflight.report.ScenarioReport;
import dev.preflight.running.RunningEnvironment;
import dev.preflight.secrets.RotationResult;
import dev.preflight.secrets.SecretRotation;
import dev.preflight.secrets.SecretRotation.Strategy;
import dev.preflight.secrets.SecretTimeline;
import dev.preflight.topology.Container;
import dev.preflight.topology.EcsService;
import dev.preflight.topology.Topology;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.RegisterTaskDefinitionRequest;
import software.amazon.awssdk.services.ecs.model.Secret;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;

/**
 * A task gets each {@code valueFrom} form right, read from the environment its process was started
 * with: the whole secret (DB_SECRET, APP_KEY), a JSON key of AWSCURRENT ({@code :password::}), a
 * JSON key of another stage ({@code :password:AWSPREVIOUS:}), and a JSON key of a version by id
 * (a deprecated one, in a task definition revision registered through the ECS API). Secrets are
 * resolved once, at task start: a rotation after the start changes nothing in a running task, and
 * the next task gets the new value.
 */
@PreflightEnvironment
class SecretInjectionTest {
    private static final Map<String, String> EXTRA_SECRETS = Map.of(
            "DB_PASSWORD", "db-credentials:password::",
            "DB_PASSWORD_PREVIOUS", "db-credentials:password:AWSPREVIOUS:",
            "DB_USER", "db-credentials:username:AWSCURRENT:");

    @Test
    void aTaskGetsEveryValueFromFormRightAndKeepsWhatItGotAtStart(Engines engines) throws Exception {
        try (RunningEnvironment running = RunningEnvironment.of("dev").withProject("secretinject")
                .withUnvalidatedEdit(SecretInjectionTest::withExtraSecrets)
                .start(engines)) {
            Environment env = running.environment();
            SecretRotation rotation = SecretRotation.of(env);
            try (SecretTimeline timeline = SecretTimeline.record(env, "db-credentials", "app-key")) {
                rotation = rotation.withListener(timeline);
                // Two rotations first: version #1 is then deprecated (no stage), #2 AWSPREVIOUS, #3 AWSCURRENT.
                RotationResult first = rotation.rotate("db-credentials", Strategy.SINGLE_USER);
                rotation.rotate("db-credentials", Strategy.SINGLE_USER);
                String firstVersion = first.previousVersionId();

                DeployResult v1 = running.pipeline().deploy("api", "v1");
                assertThat(v1.succeeded()).as("deploy of v1: %s", v1).isTrue();
                EcsTask task = single(running.runtime().service("api").runningTasks());
                Map<String, String> started = TaskProbe.environment(task);

                DatabaseSecret current = rotation.read("db-credentials", "AWSCURRENT");
                DatabaseSecret previous = rotation.read("db-credentials", "AWSPREVIOUS");
                String wholeCurrent = env.secretValue("db-credentials");
                String appKey = env.secretValue("app-key");
                List<String> checks = new ArrayList<>();
                checks.add(check("DB_SECRET", "db-credentials (whole secret, AWSCURRENT)", started.get("DB_SECRET"), wholeCurrent));
                checks.add(check("APP_KEY", "app-key (whole secret, AWSCURRENT)", started.get("APP_KEY"), appKey));
                checks.add(check("DB_PASSWORD", EXTRA_SECRETS.get("DB_PASSWORD"), started.get("DB_PASSWORD"), current.password()));
                checks.add(check("DB_PASSWORD_PREVIOUS", EXTRA_SECRETS.get("DB_PASSWORD_PREVIOUS"), started.get("DB_PASSWORD_PREVIOUS"),
                        previous.password()));
                assertThat(sha256(current.password())).as("AWSCURRENT and AWSPREVIOUS passwords differ").isNotEqualTo(sha256(previous.password()));
                assertThat(started.get("DB_USER")).isEqualTo(current.username());
                checks.add("DB_USER <- " + EXTRA_SECRETS.get("DB_USER") + "  =>  " + started.get("DB_USER") + " (not a secret)");

                TaskProbe.Answer secretEndpoint = TaskProbe.get(task, "/api/secret", Duration.ofSeconds(10));
                assertThat(secretEndpoint.status()).isEqualTo(200);
                assertThat(secretEndpoint.json().path("appKeySha256").asText()).as("the app's own hash of APP_KEY")
                        .isEqualTo(fullSha256(appKey));
                assertThat(secretEndpoint.json().path("dbUser").asText()).isEqualTo(current.username());
                assertThat(TaskProbe.databaseUser(task)).as("the task logs in with the rotated password").isEqualTo(current.username());

                // A rotation after the task started: the running task keeps what it got.
                RotationResult later = rotation.rotate("db-credentials", Strategy.SINGLE_USER);
                Map<String, String> afterRotation = TaskProbe.environment(task);
                assertThat(sha256(afterRotation.get("DB_SECRET"))).as("DB_SECRET of the running task after a rotation")
                        .isEqualTo(sha256(wholeCurrent));

                // The version-id form, naming the deprecated first version, in a revision registered through the ECS API.
                String revision = registerRevisionWith(running, "DB_PASSWORD_FIRST",
                        env.secretArn("db-credentials") + ":password::" + firstVersion);
                ServiceScheduler api = running.runtime().service("api");
                env.aws().ecs().updateService(r -> r.cluster(running.runtime().clusterName())
                        .service(running.runtime().awsServiceName("api")).taskDefinition(revision));
                Awaitility.await("deployment of the revision naming a version id").atMost(Duration.ofSeconds(90))
                        .pollInterval(Duration.ofMillis(200))
                        .until(() -> api.primary().filter(d -> d.taskDefinitionArn().equals(revision)
                                && d.rolloutState() == Deployment.RolloutState.COMPLETED).isPresent() && api.steadyState());
                EcsTask next = single(api.runningTasks());
                Map<String, String> nextEnv = TaskProbe.environment(next);
                DatabaseSecret firstValue = rotation.readVersion("db-credentials", firstVersion);
                assertThat(rotation.versions("db-credentials")).filteredOn(v -> v.versionId().equals(firstVersion))
                        .singleElement().satisfies(v -> assertThat(v.stages()).as("version #1 is deprecated").isEmpty());
                checks.add(check("DB_PASSWORD_FIRST", "db-credentials:password::" + firstVersion + " (version id, deprecated)",
                        nextEnv.get("DB_PASSWORD_FIRST"), firstValue.password()));
                checks.add(check("DB_SECRET of the new task", "after rotation " + later.versionId(), nextEnv.get("DB_SECRET"),
                        env.secretValue("db-credentials")));
                assertThat(TaskProbe.databaseUser(next)).isEqualTo(current.username());

                ScenarioReport report = ScenarioReport.named("Secrets injection: every valueFrom form, resolved at task start");
                timeline.addTo(report)
                        .section("What the tasks were started with (compared by SHA-256 fingerprint)", String.join("\n", checks))
                        .verdict(true, "whole secret, JSON key, JSON key of AWSPREVIOUS, JSON key of a version id: each as Secrets"
                                + " Manager holds it; a running task kept its values across a rotation")
                        .write(ScenarioReport.defaultDir());
            }
        }
    }

    private static String check(String variable, String valueFrom, String actual, String expected) {
        assertThat(sha256(actual)).as("%s (valueFrom %s) compared by fingerprint", variable, valueFrom).isEqualTo(sha256(expected));
        return variable + " <- " + valueFrom + "  =>  " + sha256(actual) + ", as Secrets Manager holds it";
    }

    private static EcsTask single(List<EcsTask> tasks) {
        assertThat(tasks).as("running tasks of api").hasSize(1);
        return tasks.get(0);
    }

    private static String fullSha256(String value) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8)));
    }

    /** dev with api given three more secrets: a JSON key of AWSCURRENT, of AWSPREVIOUS, and the user name. */
    static Topology withExtraSecrets(Topology topology) {
        return topology.withService("api", s -> {
            Container c = s.container();
            Map<String, String> secrets = new LinkedHashMap<>(c.secrets());
            secrets.putAll(EXTRA_SECRETS);
            Container more = new Container(c.port(), c.stopTimeout(), c.logGroup(), c.healthCheck(), c.environment(), secrets);
            return new EcsService(s.image(), s.cpu(), s.memory(), s.desiredCount(), s.subnets(), s.securityGroups(), s.executionRole(),
                    s.taskRole(), s.targetGroup(), s.healthCheckGracePeriodSeconds(), more, s.deployment(), s.autoscaling(), s.check());
        });
    }

    /** A copy of the service's current task definition with one more secret, registered as a new revision. */
    private static String registerRevisionWith(RunningEnvironment running, String variable, String valueFrom) {
        var aws = running.environment().aws();
        String current = aws.ecs().describeServices(r -> r.cluster(running.runtime().clusterName())
                .services(running.runtime().awsServiceName("api"))).services().get(0).taskDefinition();
        TaskDefinition td = aws.ecs().describeTaskDefinition(r -> r.taskDefinition(current)).taskDefinition();
        ContainerDefinition container = td.containerDefinitions().get(0);
        List<Secret> secrets = new ArrayList<>(container.secrets());
        secrets.add(Secret.builder().name(variable).valueFrom(valueFrom).build());
        RegisterTaskDefinitionRequest request = RegisterTaskDefinitionRequest.builder()
                .family(td.family()).taskRoleArn(td.taskRoleArn()).executionRoleArn(td.executionRoleArn())
                .networkMode(td.networkMode()).requiresCompatibilities(td.requiresCompatibilities())
                .cpu(td.cpu()).memory(td.memory()).containerDefinitions(container.toBuilder().secrets(secrets).build()).build();
        return aws.ecs().registerTaskDefinition(request).taskDefinition().taskDefinitionArn();
    }
}
