package dev.preflight.scenarios.iam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.preflight.engine.EngineSettings;
import dev.preflight.engine.Engines;
import dev.preflight.iam.AccessMode;
import dev.preflight.iam.RecordedCall;
import dev.preflight.iam.TaskRoleReport;
import dev.preflight.junit.PreflightEnvironment;
import dev.preflight.report.ScenarioReport;
import dev.preflight.running.RunningEnvironment;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Least privilege at run time. Each task gets its own credentials for its task role from the
 * container credentials endpoint, as on ECS, and every AWS call it makes is judged against the role's
 * policies. The api's media upload is allowed (api-task grants s3:PutObject on the media bucket); a
 * frontend that grew a gallery lists the bucket, which frontend-task does not grant: in enforce mode S3
 * answers AccessDenied and the gallery fails, in report mode the call goes through and is listed; the
 * api's s3:GetObject, granted and never called, is listed as unused; and a GetObject of a missing key
 * by api-task, which may not list the bucket, is answered 403 as S3 does, not 404.
 */
@PreflightEnvironment
class TaskRoleLeastPrivilegeTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void aTaskRolesCallsAreJudgedAgainstItsPolicies(Engines engines) throws Exception {
        assumeFalse(EngineSettings.fromSystem().containerTasks(),
                "tasks in containers get the engine's keys: SDKs take the credentials endpoint only on loopback or ECS's link-local address");
        try (RunningEnvironment env = RunningEnvironment.of("dev").withProject("taskroles")
                // The frontend is told about the bucket (its gallery); its task role still grants nothing.
                .withUnvalidatedEdit(t -> t.withService("frontend", s -> s.withContainer(s.container().withEnvironment("MEDIA_BUCKET",
                        "${s3.media.bucket}"))))
                .withTaskRoleMode(AccessMode.ENFORCE).start(engines)) {
            assertThat(env.pipeline().deploy("api", "v1").succeeded()).isTrue();
            assertThat(env.pipeline().deploy("frontend", "v1").succeeded()).isTrue();
            URI lb = env.loadBalancer();
            String bucket = env.environment().bucket("media");
            String apiRole = env.environment().topology().naming().of("api-task");
            String frontendRole = env.environment().topology().naming().of("frontend-task");

            HttpResponse<String> upload = HTTP.send(HttpRequest.newBuilder(lb.resolve("/api/media/cat.png"))
                    .PUT(HttpRequest.BodyPublishers.ofString("meow")).header("Content-Type", "image/png").build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(upload.statusCode()).as("the api's upload, with api-task's credentials: %s", upload.body()).isEqualTo(201);

            HttpResponse<String> refused = HTTP.send(HttpRequest.newBuilder(lb.resolve("/media")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode()).as("the frontend's listing, enforced").isEqualTo(503);
            assertThat(refused.body()).contains("403 AccessDenied");

            // S3 tells a caller that may not list the bucket 403, not 404, for a key that is not there.
            HttpResponse<String> missing = HTTP.send(HttpRequest.newBuilder(lb.resolve("/api/media/no-such.png")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(missing.statusCode()).as("a missing key without s3:ListBucket: %s", missing.body()).isEqualTo(503);
            assertThat(missing.body()).contains("403 AccessDenied");

            TaskRoleReport enforced = env.taskRoles().report();
            assertThat(enforced.role(apiRole).used()).extracting(TaskRoleReport.Grant::action).containsExactly("s3:PutObject");
            assertThat(enforced.role(apiRole).unused()).extracting(TaskRoleReport.Grant::action).containsExactly("s3:GetObject");
            assertThat(enforced.role(apiRole).denied()).singleElement().satisfies(d -> {
                assertThat(d.call()).isEqualTo("s3:GetObject on arn:aws:s3:::" + bucket + "/no-such.png");
                assertThat(d.reason()).contains("S3 answers such a caller 403 AccessDenied, not 404 NoSuchKey");
            });
            List<TaskRoleReport.Denial> denied = enforced.role(frontendRole).denied();
            assertThat(denied).singleElement().satisfies(d -> {
                assertThat(d.call()).isEqualTo("s3:ListBucket on arn:aws:s3:::" + bucket);
                assertThat(d.refused()).isEqualTo(1);
                assertThat(d.reason()).isEqualTo("no identity-based policy allows the s3:ListBucket action");
            });
            RecordedCall call = env.taskRoles().calls().stream().filter(c -> c.caller().roleName().equals(frontendRole)).findFirst().orElseThrow();
            assertThat(env.runtime().task(call.caller().taskId())).as("the call is the frontend task's").isPresent();

            env.taskRoles().mode(AccessMode.REPORT);
            HttpResponse<String> listed = HTTP.send(HttpRequest.newBuilder(lb.resolve("/media")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(listed.statusCode()).as("reported, not refused: %s", listed.body()).isEqualTo(200);
            assertThat(listed.body()).contains("cat.png");
            TaskRoleReport reported = env.taskRoles().report();
            assertThat(reported.role(frontendRole).denied()).singleElement().satisfies(d -> {
                assertThat(d.calls()).isEqualTo(2);
                assertThat(d.outcome()).isEqualTo("denied: 1 refused with AccessDenied, 1 let through (report mode)");
            });

            ScenarioReport.named("Task roles judged at run time")
                    .table("Task roles: permissions used, granted and never used, calls denied", List.of("role", "permission or call",
                            "what happened", "calls", "detail"), reported.rows(), null)
                    .section("Task roles", reported.toText())
                    .caughtAsIntended(true, "frontend-task's s3:ListBucket was refused with AccessDenied (enforce), then listed (report);"
                            + " api-task's upload was allowed, its s3:GetObject listed as unused")
                    .write(ScenarioReport.defaultDir());
        }
    }
}
