package dev.preflight.iam;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.image.TestMotoServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.iam.IamClient;

/** IAM's evaluation, on policies as the engine (moto) holds them: explicit Deny, Allow, implicit deny, NotAction, managed policies. */
class RolePoliciesTest {
    private static final String TRUST = "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
            + "\"Principal\":{\"Service\":\"ecs-tasks.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}";
    private static TestMotoServer moto;
    private static IamClient iam;

    @BeforeAll
    static void start() throws Exception {
        moto = TestMotoServer.start();
        iam = moto.aws().iam();
        iam.createRole(r -> r.roleName("api-task").assumeRolePolicyDocument(TRUST));
        iam.putRolePolicy(r -> r.roleName("api-task").policyName("media").policyDocument("{\"Version\":\"2012-10-17\",\"Statement\":["
                + "{\"Effect\":\"Allow\",\"Action\":[\"s3:GetObject\",\"s3:Put*\"],\"Resource\":\"arn:aws:s3:::shop-media/*\"},"
                + "{\"Effect\":\"Deny\",\"Action\":\"s3:PutObjectAcl\",\"Resource\":\"*\"}]}"));
        String managed = iam.createPolicy(r -> r.policyName("read-secrets").policyDocument("{\"Version\":\"2012-10-17\",\"Statement\":"
                + "{\"Effect\":\"Allow\",\"NotAction\":\"secretsmanager:Put*\",\"Resource\":\"arn:aws:secretsmanager:*:*:secret:shop/app-??????\"}}"))
                .policy().arn();
        iam.attachRolePolicy(r -> r.roleName("api-task").policyArn(managed));
    }

    @AfterAll
    static void stop() {
        moto.close();
    }

    @Test
    void allowsWhatAStatementGrantsOnItsResources() {
        Decision put = new RolePolicies(iam).decide("api-task", new AwsCall("s3:PutObject", "arn:aws:s3:::shop-media/a.png"));
        assertThat(put.allowed()).isTrue();
        assertThat(put.reason()).isEqualTo("allowed by media statement 0");
        assertThat(new RolePolicies(iam).decide("api-task", new AwsCall("S3:getobject", "arn:aws:s3:::shop-media/x")).allowed())
                .as("actions match in any case").isTrue();
    }

    @Test
    void deniesOtherResourcesAndActionsImplicitly() {
        RolePolicies policies = new RolePolicies(iam);
        Decision otherBucket = policies.decide("api-task", new AwsCall("s3:GetObject", "arn:aws:s3:::other/a.png"));
        assertThat(otherBucket.allowed()).isFalse();
        assertThat(otherBucket.reason()).isEqualTo("no identity-based policy allows the s3:GetObject action");
        assertThat(policies.decide("api-task", new AwsCall("s3:ListBucket", "arn:aws:s3:::shop-media")).allowed()).isFalse();
    }

    @Test
    void whoAmINeedsNoPermission() {
        Decision who = new RolePolicies(iam).decide("api-task", new AwsCall("sts:GetCallerIdentity", null));
        assertThat(who.allowed()).isTrue();
        assertThat(who.reason()).isEqualTo("sts:GetCallerIdentity needs no permission");
    }

    @Test
    void aRestCallNotReadAsAnActionIsNotJudged() {
        Decision lambda = new RolePolicies(iam).decide("api-task", new AwsCall("lambda:POST /2015-03-31/functions/f/invocations", null));
        assertThat(lambda.allowed()).isTrue();
        assertThat(lambda.reason()).startsWith("not judged");
    }

    @Test
    void anExplicitDenyWinsOverAnAllow() {
        Decision acl = new RolePolicies(iam).decide("api-task", new AwsCall("s3:PutObjectAcl", "arn:aws:s3:::shop-media/a.png"));
        assertThat(acl.allowed()).isFalse();
        assertThat(acl.reason()).isEqualTo("explicitly denied by media statement 1");
    }

    @Test
    void managedPoliciesAndNotActionCount() {
        RolePolicies policies = new RolePolicies(iam);
        String secret = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:shop/app-AbCdEf";
        assertThat(policies.decide("api-task", new AwsCall("secretsmanager:GetSecretValue", secret)).reason())
                .isEqualTo("allowed by read-secrets statement 0");
        assertThat(policies.decide("api-task", new AwsCall("secretsmanager:PutSecretValue", secret)).allowed()).isFalse();
        assertThat(policies.decide("api-task", new AwsCall("secretsmanager:GetSecretValue", secret + "x")).allowed())
                .as("? is one character").isFalse();
    }

    @Test
    void aPolicyChangedInTheEngineIsJudgedWithinASecond() throws InterruptedException {
        iam.createRole(r -> r.roleName("worker").assumeRolePolicyDocument(TRUST));
        RolePolicies policies = new RolePolicies(iam);
        AwsCall send = new AwsCall("sqs:SendMessage", "arn:aws:sqs:eu-west-1:123456789012:orders");
        assertThat(policies.decide("worker", send).allowed()).isFalse();
        iam.putRolePolicy(r -> r.roleName("worker").policyName("queue").policyDocument("{\"Version\":\"2012-10-17\",\"Statement\":"
                + "[{\"Effect\":\"Allow\",\"Action\":\"sqs:SendMessage\",\"Resource\":\"arn:aws:sqs:*:*:orders\"}]}"));
        Thread.sleep(1_100);
        assertThat(policies.decide("worker", send).allowed()).isTrue();
    }
}
