package dev.preflight.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.cli.PreflightCli;
import dev.preflight.topology.Overlay;
import dev.preflight.topology.Topology;
import dev.preflight.topology.TopologyLoader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Least privilege on the topology's roles: the reference passes every rule; each grant a careful operator would not give is named. */
class LeastPrivilegeRulesTest {
    private static final Path REFERENCE = Path.of("../fixtures/topology");

    @TempDir
    Path dir;

    private static Topology dev(String overlay) {
        return new TopologyLoader().load(REFERENCE, "dev", List.of(Overlay.yaml("change.yaml", overlay)));
    }

    private static Verdict rule(Topology t, String rule) {
        return LeastPrivilegeRules.of(t).stream().filter(v -> v.check().equals(rule)).findFirst().orElseThrow();
    }

    @Test
    void theReferenceRolesFollowEveryRule() {
        for (String environment : List.of("dev", "staging", "prod")) {
            assertThat(LeastPrivilegeRules.of(new TopologyLoader().load(REFERENCE, environment)))
                    .as(environment).hasSize(LeastPrivilegeRules.RULES.size()).allMatch(v -> v.outcome() == Verdict.Outcome.PASSED);
        }
    }

    @Test
    void aStarActionOnEverythingIsAnAdministrator() {
        Topology t = dev("iam: {roles: {api-task: {statements: [{actions: ['*'], resources: ['*']}]}}}");
        Verdict star = rule(t, LeastPrivilegeRules.WILDCARD_ACTION);
        assertThat(star.failed()).isTrue();
        assertThat(star.evidence()).contains("role api-task, statement 0").contains("full administrator (checkov CKV_AWS_62)");
        assertThat(star.fix()).contains("CKV_AWS_63").contains("cfn_nag F3");
        assertThat(rule(t, LeastPrivilegeRules.PASSROLE_WILDCARD).failed()).as("'*' passes any role").isTrue();
    }

    @Test
    void aServiceWildcardIsNamed() {
        Verdict v = rule(dev("iam: {roles: {admin-task: {statements: [{actions: ['s3:*'], resources: [s3:media, 's3:media/*']}]}}}"),
                LeastPrivilegeRules.SERVICE_WILDCARD_ACTION);
        assertThat(v.failed()).isTrue();
        assertThat(v.evidence()).contains("role admin-task").contains("s3:*");
    }

    @Test
    void aStarResourceOnRestrictableActionsAndPassRoleOnStarAreNamed() {
        Topology t = dev("iam: {roles: {ci-deploy: {statements: [{actions: [ecr:GetAuthorizationToken, ecs:RegisterTaskDefinition], resources: ['*']},"
                + " {actions: [ecs:UpdateService, iam:PassRole], resources: ['*']}]}}}");
        Verdict resource = rule(t, LeastPrivilegeRules.WILDCARD_RESOURCE);
        assertThat(resource.failed()).isTrue();
        assertThat(resource.evidence()).contains("statement 1").contains("[ecs:UpdateService, iam:PassRole] can be limited")
                .doesNotContain("statement 0");
        assertThat(resource.fix()).contains("CKV_AWS_355").contains("W11");
        Verdict passRole = rule(t, LeastPrivilegeRules.PASSROLE_WILDCARD);
        assertThat(passRole.failed()).isTrue();
        assertThat(passRole.fix()).contains("cfn_nag F38");
    }

    @Test
    void aTaskRoleThatWritesABucketItsServiceIsNotGivenIsAnUnusedGrant() {
        Verdict v = rule(dev("iam: {roles: {frontend-task: {statements: [{actions: [s3:PutObject], resources: ['s3:media/*']}]}}}"),
                LeastPrivilegeRules.UNUSED_GRANT);
        assertThat(v.failed()).isTrue();
        assertThat(v.evidence()).contains("role frontend-task, statement 0: writes bucket media")
                .contains("no ${s3.media.bucket} in their environment");
    }

    @Test
    void validateExitsOneAndPrintsTheFinding() throws IOException {
        Path topology = Files.createDirectories(dir.resolve("topology/environments"));
        String base = Files.readString(REFERENCE.resolve("base.yaml")).replace("context: ../", "context: " + REFERENCE.toAbsolutePath().getParent() + "/")
                .replace("statements: []", "statements: [{ actions: ['*'], resources: ['*'] }]");
        Files.writeString(topology.getParent().resolve("base.yaml"), base);
        Files.copy(REFERENCE.resolve("environments/dev.yaml"), topology.resolve("dev.yaml"));
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream was = System.out;
        System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
        int exit;
        try {
            exit = PreflightCli.execute("validate", "--topology", topology.getParent().toString(), "--env", "dev");
        } finally {
            System.setOut(was);
        }
        assertThat(exit).isEqualTo(1);
        assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8)).contains(LeastPrivilegeRules.WILDCARD_ACTION)
                .contains("role frontend-task, statement 0").contains("CKV_AWS_63");
    }
}
