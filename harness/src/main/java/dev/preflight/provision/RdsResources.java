package dev.preflight.provision;

import dev.preflight.topology.DbInstance;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import dev.preflight.engine.EngineVersions;
import software.amazon.awssdk.services.rds.RdsClient;
import software.amazon.awssdk.services.rds.model.DBInstance;
import software.amazon.awssdk.services.rds.model.DbInstanceNotFoundException;
import software.amazon.awssdk.services.rds.model.DbSubnetGroupNotFoundException;
import software.amazon.awssdk.services.rds.model.Tag;

/**
 * RDS PostgreSQL instances. The engine keeps the record (class, storage, multi-AZ, a made-up
 * endpoint); the harness makes each instance a real database and role in PostgreSQL, with the
 * password of its credentials secret, and publishes the real address.
 */
final class RdsResources implements ResourceKind {

    @Override
    public String title() {
        return "rds";
    }

    @Override
    public void reconcile(ProvisionContext ctx) {
        RdsClient rds = ctx.aws().rds();
        String[] server = new String[1]; // asked once, when a database needs it
        ctx.topology().rds().forEach((name, db) -> {
            if (server[0] == null) {
                server[0] = new PostgresAdmin(ctx.engines().postgres()).serverVersion();
            }
            if (!EngineVersions.honours(db.engineVersion(), server[0])) {
                ctx.note("db instance " + ctx.naming().of(name), "engineVersion " + db.engineVersion() + " is declared but the "
                        + ctx.engines().kind().id() + " PostgreSQL engine is " + server[0] + ": not honoured. Fix: run with the containers engines"
                        + " (-Dpreflight.engines=containers), whose image follows engineVersion");
            }
            reconcileSubnetGroup(ctx, rds, name, db);
            String id = ctx.naming().of(name);
            Optional<DBInstance> actual = find(rds, id);
            if (actual.isEmpty()) {
                ctx.create("db instance " + id, () -> {
                    DatabaseSecret secret = secret(ctx, db);
                    rds.createDBInstance(r -> r.dbInstanceIdentifier(id).engine(db.engine()).engineVersion(db.engineVersion())
                            .dbInstanceClass(db.instanceClass()).allocatedStorage(db.allocatedStorage()).multiAZ(db.multiAz())
                            .dbName(db.databaseName()).masterUsername(db.masterUsername()).masterUserPassword(secret.password())
                            .dbSubnetGroupName(subnetGroupName(ctx, name))
                            .vpcSecurityGroupIds(db.securityGroups().stream().map(sg -> ctx.outputs().require("securityGroup", sg)).toList())
                            .publiclyAccessible(false).storageEncrypted(true)
                            .tags(ctx.tags(id).entrySet().stream().map(e -> Tag.builder().key(e.getKey()).value(e.getValue()).build()).toList()));
                    ensureRealDatabase(ctx, db, secret);
                    publish(ctx, name, secret);
                });
                return;
            }
            List<String> differences = differences(actual.get(), db);
            if (differences.isEmpty()) {
                ctx.unchanged("db instance " + id);
            } else {
                ctx.update("db instance " + id, String.join(", ", differences), () -> rds.modifyDBInstance(r -> r
                        .dbInstanceIdentifier(id).dbInstanceClass(db.instanceClass()).allocatedStorage(db.allocatedStorage())
                        .multiAZ(db.multiAz()).applyImmediately(true)));
            }
            if (ctx.dryRun() && ctx.outputs().get("secret", db.credentialsSecret()).isEmpty()) {
                return;
            }
            DatabaseSecret secret = secret(ctx, db);
            if (!realDatabaseReady(ctx, db, secret)) {
                ctx.update("database " + secret.dbname(), "real PostgreSQL database and role", () -> ensureRealDatabase(ctx, db, secret));
            }
            publish(ctx, name, secret);
        });
    }

    private void reconcileSubnetGroup(ProvisionContext ctx, RdsClient rds, String name, DbInstance db) {
        String groupName = subnetGroupName(ctx, name);
        boolean exists;
        try {
            exists = !rds.describeDBSubnetGroups(r -> r.dbSubnetGroupName(groupName)).dbSubnetGroups().isEmpty();
        } catch (DbSubnetGroupNotFoundException e) {
            exists = false;
        }
        if (exists) {
            ctx.unchanged("db subnet group " + groupName);
            return;
        }
        ctx.create("db subnet group " + groupName, () -> rds.createDBSubnetGroup(r -> r.dbSubnetGroupName(groupName)
                .dbSubnetGroupDescription("Subnets of " + ctx.naming().of(name))
                .subnetIds(db.subnets().stream().map(s -> ctx.outputs().require("subnet", s)).toList())));
    }

    private static String subnetGroupName(ProvisionContext ctx, String name) {
        return ctx.naming().of(name) + "-subnets";
    }

    private static List<String> differences(DBInstance actual, DbInstance db) {
        List<String> differences = new ArrayList<>();
        if (!Objects.equals(actual.dbInstanceClass(), db.instanceClass())) {
            differences.add("class " + db.instanceClass());
        }
        if (!Objects.equals(actual.allocatedStorage(), db.allocatedStorage())) {
            differences.add("storage " + db.allocatedStorage() + " GiB");
        }
        if (!Objects.equals(actual.multiAZ(), db.multiAz())) {
            differences.add("multiAz " + db.multiAz());
        }
        return differences;
    }

    private static DatabaseSecret secret(ProvisionContext ctx, DbInstance db) {
        String secretId = ctx.outputs().require("secret", db.credentialsSecret());
        return DatabaseSecret.parse(SecretResources.currentValue(ctx.aws().secrets(), secretId));
    }

    private static boolean realDatabaseReady(ProvisionContext ctx, DbInstance db, DatabaseSecret secret) {
        PostgresAdmin admin = new PostgresAdmin(ctx.engines().postgres());
        return admin.databaseExists(secret.dbname()) && admin.canLogin(secret.username(), secret.password(), secret.dbname());
    }

    /** The role logs in with the secret's password and owns the database. */
    private static void ensureRealDatabase(ProvisionContext ctx, DbInstance db, DatabaseSecret secret) {
        PostgresAdmin admin = new PostgresAdmin(ctx.engines().postgres());
        if (!admin.roleExists(secret.username())) {
            admin.createRole(secret.username(), secret.password());
        } else {
            admin.setPassword(secret.username(), secret.password());
        }
        if (!admin.databaseExists(secret.dbname())) {
            admin.createDatabase(secret.dbname(), secret.username());
        }
    }

    private static void publish(ProvisionContext ctx, String name, DatabaseSecret secret) {
        ctx.outputs().put("rdsAddress", name, secret.host());
        ctx.outputs().put("rdsPort", name, Integer.toString(secret.port()));
        ctx.outputs().put("rdsDatabase", name, secret.dbname());
        ctx.outputs().put("rdsUser", name, secret.username());
    }

    static Optional<DBInstance> find(RdsClient rds, String id) {
        try {
            return rds.describeDBInstances(r -> r.dbInstanceIdentifier(id)).dbInstances().stream().findFirst();
        } catch (DbInstanceNotFoundException e) {
            return Optional.empty();
        }
    }

    @Override
    public void destroy(ProvisionContext ctx) {
        RdsClient rds = ctx.aws().rds();
        PostgresAdmin admin = new PostgresAdmin(ctx.engines().postgres());
        ctx.topology().rds().forEach((name, db) -> {
            String id = ctx.naming().of(name);
            if (find(rds, id).isPresent()) {
                ctx.delete("db instance " + id, () -> rds.deleteDBInstance(r -> r.dbInstanceIdentifier(id).skipFinalSnapshot(true)));
            }
            String database = RealDatabaseNames.database(ctx.topology(), db);
            String role = RealDatabaseNames.role(ctx.topology(), db);
            if (admin.databaseExists(database) || admin.roleExists(role)) {
                ctx.delete("database " + database, () -> {
                    admin.dropDatabase(database);
                    admin.dropRole(role);
                    // alternating-user rotation clones the role
                    admin.dropRole(role + "_clone");
                });
            }
            String groupName = subnetGroupName(ctx, name);
            try {
                if (!rds.describeDBSubnetGroups(r -> r.dbSubnetGroupName(groupName)).dbSubnetGroups().isEmpty()) {
                    ctx.delete("db subnet group " + groupName, () -> rds.deleteDBSubnetGroup(r -> r.dbSubnetGroupName(groupName)));
                }
            } catch (DbSubnetGroupNotFoundException e) {
                // already gone
            }
            List.of("rdsAddress", "rdsPort", "rdsDatabase", "rdsUser").forEach(k -> ctx.outputs().remove(k, name));
        });
    }
}
