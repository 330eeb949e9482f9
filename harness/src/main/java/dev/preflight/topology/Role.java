package dev.preflight.topology;

import java.util.List;

/**
 * An IAM role with one inline policy built from its statements. Resources name topology objects
 * ({@code ecr:api}, {@code logs:api}, {@code secret:app-key}, {@code s3:media/*}, {@code ecs:api}, {@code role:x}) or
 * {@code *}; the provisioner turns them into ARNs.
 */
public record Role(String description, Trust trust, List<PolicyStatement> statements) {
    public Role {
        description = description == null ? "" : description;
        statements = Maps.copy(statements);
    }

    /** Who may assume the role: an AWS service principal, or GitHub Actions through OIDC. */
    public record Trust(String service, GithubOidc githubOidc) {
    }

    /** Trusts one repository; with {@code branch} only that branch, with {@code environment} only that GitHub environment. */
    public record GithubOidc(String repository, String branch, String environment) {
        public String subject() {
            if (environment != null) {
                return "repo:" + repository + ":environment:" + environment;
            }
            return "repo:" + repository + ":ref:refs/heads/" + branch;
        }
    }

    public record PolicyStatement(String effect, List<String> actions, List<String> resources) {
        public PolicyStatement {
            effect = effect == null ? "Allow" : effect;
            actions = Maps.copy(actions);
            resources = Maps.copy(resources);
        }
    }
}
