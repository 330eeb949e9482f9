package dev.preflight.topology;

import java.util.List;
import java.util.Map;

/** The validation rules of RDS instances: engine, class, names, credentials secret, subnet group. */
final class RdsRules extends ValidationRules {
    RdsRules(ValidationRules context) {
        super(context);
    }

    void rds() {
        for (Map.Entry<String, DbInstance> entry : present(topology.rds(), "rds")) {
            String path = "rds." + entry.getKey();
            String id = entry.getKey();
            DbInstance db = entry.getValue();
            name(path, id, "rds instance");
            maxLength(path, topology.naming().of(id), 63, "DB instance identifier");
            oneOf(path + ".engine", db.engine(), List.of("postgres"), "engine");
            if (required(db.instanceClass(), path + ".instanceClass", "choose an instance class, e.g. db.t4g.micro")
                    && !db.instanceClass().startsWith("db.")) {
                problem(path + ".instanceClass", "'" + db.instanceClass() + "' is not an RDS instance class",
                        "use a class such as db.t4g.micro or db.r6g.large");
            }
            range(path + ".allocatedStorage", db.allocatedStorage(), 20, 65536, "allocatedStorage (GiB)");
            if (required(db.databaseName(), path + ".databaseName", "name the database, e.g. 'databaseName: app'")
                    && !PG_IDENTIFIER.matcher(db.databaseName()).matches()) {
                problem(path + ".databaseName", "'" + db.databaseName() + "' is not a valid PostgreSQL database name",
                        "use up to 63 letters, digits and underscores, starting with a letter");
            }
            if (required(db.masterUsername(), path + ".masterUsername", "name the master user, e.g. 'masterUsername: app_admin'")
                    && !PG_IDENTIFIER.matcher(db.masterUsername()).matches()) {
                problem(path + ".masterUsername", "'" + db.masterUsername() + "' is not a valid master user name",
                        "use up to 63 letters, digits and underscores, starting with a letter");
            }
            if (required(db.credentialsSecret(), path + ".credentialsSecret",
                    "name the secret holding the master credentials and declare it as 'secrets.<name>: { database: " + id + " }'")
                    && reference(path + ".credentialsSecret", db.credentialsSecret(), "secret", topology.secrets().keySet(),
                    "secrets")) {
                Secret secret = topology.secrets().get(db.credentialsSecret());
                if (secret != null && !id.equals(secret.database())) {
                    problem(path + ".credentialsSecret", "secret '" + db.credentialsSecret() + "' does not hold the credentials of "
                                    + id + (secret.database() == null ? " (it has no 'database')"
                                    : " (its 'database' is '" + secret.database() + "')"),
                            "set secrets." + db.credentialsSecret() + ".database: " + id,
                            "secrets." + db.credentialsSecret());
                }
            }
            subnetGroup(path, db.subnets(), 2, "a DB subnet group needs subnets in at least two availability zones");
            securityGroupList(path + ".securityGroups", db.securityGroups());
        }
    }
}
