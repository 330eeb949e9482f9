package dev.preflight.topology;

import java.util.Map;

/** The validation rules of Secrets Manager secrets: generated values and database secrets. */
final class SecretsRules extends ValidationRules {
    SecretsRules(ValidationRules context) {
        super(context);
    }

    void secrets() {
        for (Map.Entry<String, Secret> entry : present(topology.secrets(), "secrets")) {
            String path = "secrets." + entry.getKey();
            name(path, entry.getKey(), "secret");
            Secret secret = entry.getValue();
            if ((secret.database() == null) == (secret.generate() == null)) {
                problem(path, secret.database() == null ? "the secret has neither 'database' nor 'generate'"
                                : "the secret has both 'database' and 'generate'",
                        "give exactly one: 'database: <rds instance>' for database credentials or 'generate: { length: 32 }'");
            }
            if (secret.database() != null
                    && reference(path + ".database", secret.database(), "rds instance", topology.rds().keySet(), "rds")) {
                DbInstance db = topology.rds().get(secret.database());
                if (db != null && db.credentialsSecret() != null && !db.credentialsSecret().equals(entry.getKey())) {
                    problem(path + ".database", "names rds '" + secret.database() + "', whose credentialsSecret is '"
                                    + db.credentialsSecret() + "'",
                            "remove 'database' here or set rds." + secret.database() + ".credentialsSecret: " + entry.getKey(),
                            "rds." + secret.database() + ".credentialsSecret");
                }
            }
            if (secret.generate() != null) {
                range(path + ".generate.length", secret.generate().length(), 1, 4096, "length");
            }
            if (secret.rotation() != null) {
                if (secret.database() == null) {
                    problem(path + ".rotation", "only database credentials rotate here", "remove 'rotation', or give the secret 'database'");
                } else {
                    oneOf(path + ".rotation.strategy", secret.rotationStrategy(), Secret.STRATEGIES, "rotation strategy");
                }
            }
        }
    }
}
