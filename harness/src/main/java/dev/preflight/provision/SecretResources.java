package dev.preflight.provision;

import dev.preflight.topology.DbInstance;
import dev.preflight.topology.Secret;
import java.util.Optional;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.DescribeSecretResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.Tag;

/**
 * Secrets Manager: database credentials (RDS's JSON form, pointing at the real PostgreSQL) and
 * generated keys. Values are generated once and never replaced by a later apply. Reads always name
 * the AWSCURRENT stage (moto may answer an unnamed read with an older version).
 */
final class SecretResources implements ResourceKind {

    @Override
    public String title() {
        return "secrets";
    }

    @Override
    public void reconcile(ProvisionContext ctx) {
        SecretsManagerClient sm = ctx.aws().secrets();
        ctx.topology().secrets().forEach((name, secret) -> {
            String awsName = ctx.naming().secret(name);
            Optional<DescribeSecretResponse> actual = describe(sm, awsName);
            if (actual.isEmpty()) {
                ctx.create("secret " + awsName, () -> {
                    String arn = sm.createSecret(r -> r.name(awsName).description(secret.description())
                            .secretString(initialValue(ctx, secret)).tags(tags(ctx, awsName))).arn();
                    ctx.outputs().put("secret", name, arn);
                });
                return;
            }
            ctx.outputs().put("secret", name, actual.get().arn());
            if (secret.database() == null) {
                ctx.unchanged("secret " + awsName);
                return;
            }
            // The password stays; where the database lives may differ (a new engine, a new port).
            DatabaseSecret current = DatabaseSecret.parse(currentValue(sm, awsName));
            DatabaseSecret desired = databaseSecret(ctx, secret, current.password());
            if (desired.equals(current)) {
                ctx.unchanged("secret " + awsName);
            } else {
                ctx.update("secret " + awsName, "database address", () ->
                        sm.putSecretValue(r -> r.secretId(awsName).secretString(desired.toJson())));
            }
        });
    }

    static String currentValue(SecretsManagerClient sm, String secretId) {
        return sm.getSecretValue(r -> r.secretId(secretId).versionStage("AWSCURRENT")).secretString();
    }

    private static String initialValue(ProvisionContext ctx, Secret secret) {
        if (secret.database() != null) {
            return databaseSecret(ctx, secret, Passwords.generate(32)).toJson();
        }
        return Passwords.generate(secret.generate() == null ? 32 : secret.generate().length());
    }

    private static DatabaseSecret databaseSecret(ProvisionContext ctx, Secret secret, String password) {
        DbInstance db = ctx.topology().rds().get(secret.database());
        return new DatabaseSecret(RealDatabaseNames.role(ctx.topology(), db), password, db.engine(),
                ctx.engines().postgresHostForTasks(), ctx.engines().postgresPortForTasks(), RealDatabaseNames.database(ctx.topology(), db));
    }

    private static Optional<DescribeSecretResponse> describe(SecretsManagerClient sm, String name) {
        try {
            DescribeSecretResponse response = sm.describeSecret(r -> r.secretId(name));
            return response.deletedDate() == null ? Optional.of(response) : Optional.empty();
        } catch (ResourceNotFoundException e) {
            return Optional.empty();
        }
    }

    private static java.util.List<Tag> tags(ProvisionContext ctx, String name) {
        return ctx.tags(name).entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList();
    }

    @Override
    public void destroy(ProvisionContext ctx) {
        SecretsManagerClient sm = ctx.aws().secrets();
        ctx.topology().secrets().keySet().forEach(name -> {
            String awsName = ctx.naming().secret(name);
            if (describe(sm, awsName).isPresent()) {
                ctx.delete("secret " + awsName, () -> sm.deleteSecret(r -> r.secretId(awsName).forceDeleteWithoutRecovery(true)));
            }
            ctx.outputs().remove("secret", name);
        });
    }
}
