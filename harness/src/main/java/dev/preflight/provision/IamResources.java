package dev.preflight.provision;

import dev.preflight.topology.Role;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.iam.IamClient;
import software.amazon.awssdk.services.iam.model.NoSuchEntityException;
import software.amazon.awssdk.services.iam.model.Tag;

/**
 * IAM: the GitHub Actions OIDC provider (one per account, shared by environments), and one role per
 * topology role with its trust policy and one inline permissions policy.
 */
final class IamResources implements ResourceKind {
    static final String INLINE_POLICY = "preflight-permissions";

    @Override
    public String title() {
        return "iam";
    }

    @Override
    public void reconcile(ProvisionContext ctx) {
        Map<String, Role> roles = ctx.topology().iam().roles();
        if (roles.isEmpty()) {
            return;
        }
        IamClient iam = ctx.aws().iam();
        IamPolicies policies = new IamPolicies(ctx.naming(), ctx.accountId(), ctx.region(), ctx.topology().ecs() == null ? "cluster" : ctx.topology().ecs().cluster());
        if (roles.values().stream().anyMatch(r -> r.trust() != null && r.trust().githubOidc() != null)) {
            reconcileOidcProvider(ctx, iam, policies);
        }
        roles.forEach((name, role) -> reconcileRole(ctx, iam, policies, name, role));
    }

    private void reconcileOidcProvider(ProvisionContext ctx, IamClient iam, IamPolicies policies) {
        String arn = policies.oidcProviderArn();
        boolean exists = iam.listOpenIDConnectProviders().openIDConnectProviderList().stream().anyMatch(p -> p.arn().equals(arn));
        if (exists) {
            ctx.unchanged("oidc provider " + IamPolicies.GITHUB_OIDC_HOST);
            return;
        }
        ctx.create("oidc provider " + IamPolicies.GITHUB_OIDC_HOST, () -> iam.createOpenIDConnectProvider(r -> r
                .url(IamPolicies.GITHUB_OIDC_URL)
                .clientIDList(IamPolicies.STS_AUDIENCE)
                // GitHub's published thumbprint; AWS no longer checks it for this issuer, but the API wants one.
                .thumbprintList("6938fd4d98bab03faadb97b34396831e3780aea1")));
    }

    private void reconcileRole(ProvisionContext ctx, IamClient iam, IamPolicies policies, String name, Role role) {
        String awsName = ctx.naming().of(name);
        String trust = policies.trustPolicy(role.trust());
        String permissions = policies.permissionsPolicy(role);
        Optional<software.amazon.awssdk.services.iam.model.Role> actual = getRole(iam, awsName);
        if (actual.isEmpty()) {
            ctx.create("role " + awsName, () -> {
                String arn = iam.createRole(r -> r.roleName(awsName).assumeRolePolicyDocument(trust)
                        .description(role.description()).tags(tags(ctx, awsName))).role().arn();
                if (!role.statements().isEmpty()) {
                    iam.putRolePolicy(r -> r.roleName(awsName).policyName(INLINE_POLICY).policyDocument(permissions));
                }
                ctx.outputs().put("role", name, arn);
            });
            return;
        }
        ctx.outputs().put("role", name, actual.get().arn());
        boolean trustSame = IamPolicies.same(actual.get().assumeRolePolicyDocument(), trust);
        Optional<String> inline = getInlinePolicy(iam, awsName);
        boolean permissionsSame = role.statements().isEmpty() ? inline.isEmpty()
                : inline.map(doc -> IamPolicies.same(doc, permissions)).orElse(false);
        if (trustSame && permissionsSame) {
            ctx.unchanged("role " + awsName);
            return;
        }
        ctx.update("role " + awsName, (trustSame ? "" : "trust ") + (permissionsSame ? "" : "permissions"), () -> {
            if (!trustSame) {
                iam.updateAssumeRolePolicy(r -> r.roleName(awsName).policyDocument(trust));
            }
            if (!permissionsSame) {
                if (role.statements().isEmpty()) {
                    iam.deleteRolePolicy(r -> r.roleName(awsName).policyName(INLINE_POLICY));
                } else {
                    iam.putRolePolicy(r -> r.roleName(awsName).policyName(INLINE_POLICY).policyDocument(permissions));
                }
            }
        });
    }

    private static Optional<software.amazon.awssdk.services.iam.model.Role> getRole(IamClient iam, String name) {
        try {
            return Optional.of(iam.getRole(r -> r.roleName(name)).role());
        } catch (NoSuchEntityException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> getInlinePolicy(IamClient iam, String role) {
        try {
            return Optional.of(iam.getRolePolicy(r -> r.roleName(role).policyName(INLINE_POLICY)).policyDocument());
        } catch (NoSuchEntityException e) {
            return Optional.empty();
        }
    }

    private static java.util.List<Tag> tags(ProvisionContext ctx, String name) {
        return ctx.tags(name).entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
    }

    @Override
    public void destroy(ProvisionContext ctx) {
        IamClient iam = ctx.aws().iam();
        for (String name : ctx.topology().iam().roles().keySet()) {
            String awsName = ctx.naming().of(name);
            if (getRole(iam, awsName).isEmpty()) {
                continue;
            }
            ctx.delete("role " + awsName, () -> {
                iam.listRolePolicies(r -> r.roleName(awsName)).policyNames()
                        .forEach(p -> iam.deleteRolePolicy(r -> r.roleName(awsName).policyName(p)));
                iam.listAttachedRolePolicies(r -> r.roleName(awsName)).attachedPolicies()
                        .forEach(p -> iam.detachRolePolicy(r -> r.roleName(awsName).policyArn(p.policyArn())));
                iam.deleteRole(r -> r.roleName(awsName));
            });
            ctx.outputs().remove("role", name);
        }
        // The provider is shared by every environment of the account: remove it with the last user.
        IamPolicies policies = new IamPolicies(ctx.naming(), ctx.accountId(), ctx.region(), ctx.topology().ecs() == null ? "cluster" : ctx.topology().ecs().cluster());
        String arn = policies.oidcProviderArn();
        boolean exists = iam.listOpenIDConnectProviders().openIDConnectProviderList().stream().anyMatch(p -> p.arn().equals(arn));
        boolean stillUsed = iam.listRoles().roles().stream().anyMatch(r -> r.assumeRolePolicyDocument() != null
                && IamPolicies.decode(r.assumeRolePolicyDocument()).contains(arn));
        if (exists && !stillUsed) {
            ctx.delete("oidc provider " + IamPolicies.GITHUB_OIDC_HOST, () -> iam.deleteOpenIDConnectProvider(r -> r.openIDConnectProviderArn(arn)));
        }
    }
}
