package dev.preflight.scenarios.iam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.preflight.aws.AwsClients;
import dev.preflight.ecs.Deployment;
import dev.preflight.engine.Engines;
import dev.preflight.junit.PreflightEnvironment;
import dev.preflight.oidc.GithubOidcIssuer;
import dev.preflight.running.RunningEnvironment;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.sts.model.Credentials;
import software.amazon.awssdk.services.sts.model.StsException;

import static org.awaitility.Awaitility.await;

/**
 * GitHub Actions deploys through OIDC, without stored keys: the ci-deploy role trusts the main branch
 * of z1-digital/shop. Tokens signed by the issuer the environment trusts as GitHub's are presented to
 * AssumeRoleWithWebIdentity at the AWS endpoint: only main of that repository gets credentials; another
 * branch, a tag, a pull request, another repository, an expired token and one signed by another key
 * are refused with STS's AccessDenied and the reason. With the credentials the workflow rolls api out.
 */
@PreflightEnvironment
class GithubOidcDeployTest {
    private static final String REPOSITORY = "z1-digital/shop";

    @Test
    void onlyTheTrustedBranchAssumesTheDeployRoleAndItsCredentialsDeploy(Engines engines) {
        try (RunningEnvironment env = RunningEnvironment.of("dev").withProject("oidc").start(engines)) {
            assertThat(env.pipeline().deploy("api", "v1").succeeded()).isTrue();
            String role = env.environment().aws().iam().getRole(r -> r.roleName(env.environment().topology().naming().of("ci-deploy")))
                    .role().arn();
            GithubOidcIssuer github = env.githubOidc();

            Map<String, String> refused = new LinkedHashMap<>();
            refused.put(github.branch(REPOSITORY, "feature/x"), "is not the one role ci-deploy trusts ('repo:z1-digital/shop:ref:refs/heads/main')");
            refused.put(github.tag(REPOSITORY, "v1.0.0"), "'repo:z1-digital/shop:ref:refs/tags/v1.0.0'");
            refused.put(github.pullRequest(REPOSITORY, 7), "'repo:z1-digital/shop:pull_request'");
            refused.put(github.branch("someone-else/shop", "main"), "'repo:someone-else/shop:ref:refs/heads/main'");
            refused.put(github.token("repo:" + REPOSITORY + ":ref:refs/heads/main", REPOSITORY, "refs/heads/main", "push",
                    Duration.ofMinutes(-1)), "the token expired");
            refused.put(GithubOidcIssuer.create().branch(REPOSITORY, "main"), "not signed by the provider's keys");
            refused.forEach((token, reason) -> {
                StsException denied = catchThrowableOfType(StsException.class, () -> assume(env, role, token));
                assertThat(denied).as("refused: %s", reason).isNotNull();
                assertThat(denied.statusCode()).isEqualTo(403);
                assertThat(denied.awsErrorDetails().errorCode()).isEqualTo("AccessDenied");
                assertThat(denied.awsErrorDetails().errorMessage()).contains(reason);
            });

            Credentials credentials = assume(env, role, github.branch(REPOSITORY, "main"));
            assertThat(credentials.accessKeyId()).isNotBlank();
            Deployment before = env.service("api").primary().orElseThrow();
            try (AwsClients workflow = new AwsClients(env.awsEndpoint(), env.environment().region(), credentials.accessKeyId(),
                    credentials.secretAccessKey())) {
                workflow.ecs().updateService(r -> r.cluster(env.runtime().clusterName()).service(env.runtime().awsServiceName("api"))
                        .forceNewDeployment(true));
            }
            await("the workflow's deployment of api").atMost(Duration.ofMinutes(2)).until(() -> env.service("api").primary()
                    .filter(d -> d != before && d.rolloutState() == Deployment.RolloutState.COMPLETED).isPresent()
                    && env.service("api").steadyState());
        }
    }

    private static Credentials assume(RunningEnvironment env, String role, String token) {
        return env.aws().sts().assumeRoleWithWebIdentity(r -> r.roleArn(role).roleSessionName("github-actions").webIdentityToken(token))
                .credentials();
    }
}
