package dev.preflight.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.preflight.engine.PostgresEngine;
import dev.preflight.environment.Environment;
import dev.preflight.provision.DatabaseSecret;
import dev.preflight.provision.Passwords;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Rotates a database secret (RDS's JSON form) the way a Secrets Manager rotation function does,
 * against the real PostgreSQL: createSecret (a new version labelled AWSPENDING through
 * PutSecretValue with the rotation's ClientRequestToken), setSecret (the database gets the
 * credential), testSecret (a real login with it), finishSecret (UpdateSecretVersionStage moves
 * AWSCURRENT to it, the old version becomes AWSPREVIOUS).
 *
 * <pre>{@code
 * RotationResult r = SecretRotation.of(env).rotate("db-credentials", Strategy.SINGLE_USER);
 * }</pre>
 *
 * <p>moto's RotateSecret without a Lambda leaves an empty AWSCURRENT, so the steps are driven here
 * with the calls a rotation function makes, and every read names its stage or version (moto
 * answers an unnamed read with the old value after a stage moved). As RotateSecret does, a rotation
 * is refused while another version carries AWSPENDING without AWSCURRENT. A failed step stops the
 * rotation: AWSCURRENT stays where it was, the new version keeps AWSPENDING, and the
 * {@link RotationException} names the step.
 *
 * <p>The database work runs as the engine's superuser, which stands for the separate superuser
 * secret AWS's alternating-users function reads.
 */
public final class SecretRotation {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String CLONE_SUFFIX = "_clone";

    /** AWS's two rotation strategies for database credentials. */
    public enum Strategy {
        /** One user; its password changes. Connections opened with the old password stop working at once. */
        SINGLE_USER("single user: ALTER ROLE ... PASSWORD"),
        /**
         * Two users: the first rotation clones {@code <user>} to {@code <user>_clone} (member of the
         * original role, so it has the same rights on the database); later rotations alternate and set
         * the password of the user not in use. The previous credential keeps working until the next rotation.
         */
        ALTERNATING_USERS("alternating users: <user> / <user>_clone");

        private final String description;

        Strategy(String description) {
            this.description = description;
        }

        public String description() {
            return description;
        }
    }

    private final SecretsManagerClient secrets;
    private final PostgresEngine postgres;
    private final Environment env;
    private final List<RotationListener> listeners;
    private final boolean skipSetSecret;

    private SecretRotation(SecretsManagerClient secrets, PostgresEngine postgres, Environment env,
                           List<RotationListener> listeners, boolean skipSetSecret) {
        this.secrets = Objects.requireNonNull(secrets, "secrets");
        this.postgres = Objects.requireNonNull(postgres, "postgres");
        this.env = env;
        this.listeners = List.copyOf(listeners);
        this.skipSetSecret = skipSetSecret;
    }

    /** Rotations of an environment's secrets; a topology name ("db-credentials") or an ARN names the secret. */
    public static SecretRotation of(Environment env) {
        return new SecretRotation(env.aws().secrets(), env.engines().postgres(), env, List.of(), false);
    }

    /** Rotations of any secret of an engine (by name or ARN), with {@code postgres}'s superuser for the database work. */
    public static SecretRotation using(SecretsManagerClient secrets, PostgresEngine postgres) {
        return new SecretRotation(secrets, postgres, null, List.of(), false);
    }

    /** Also tells {@code listener} after each step. */
    public SecretRotation withListener(RotationListener listener) {
        List<RotationListener> more = new ArrayList<>(listeners);
        more.add(Objects.requireNonNull(listener, "listener"));
        return new SecretRotation(secrets, postgres, env, more, skipSetSecret);
    }

    /**
     * A faulty rotation function on purpose: its setSecret reports success without telling the
     * database (as one that cannot reach it and swallows the error). testSecret then really logs in
     * with the pending credential, and really fails.
     */
    public SecretRotation skippingSetSecret() {
        return new SecretRotation(secrets, postgres, env, listeners, true);
    }

    /** The ARN of a topology secret name, or the id as given (a name or an ARN of the engine). */
    public String secretId(String secret) {
        if (env != null && env.topology().secrets().containsKey(secret)) {
            return env.secretArn(secret);
        }
        return secret;
    }

    /** The secret's versions and their stages now. */
    public List<SecretVersion> versions(String secret) {
        return SecretVersion.list(secrets, secretId(secret));
    }

    /** The database credential a stage holds (read naming the stage). */
    public DatabaseSecret read(String secret, String stage) {
        String value = secrets.getSecretValue(r -> r.secretId(secretId(secret)).versionStage(stage)).secretString();
        return credential(parse(value, secretId(secret) + " stage " + stage));
    }

    /** The database credential of one version (read by version id). */
    public DatabaseSecret readVersion(String secret, String versionId) {
        String value = secrets.getSecretValue(r -> r.secretId(secretId(secret)).versionId(versionId)).secretString();
        return credential(parse(value, secretId(secret) + " version " + versionId));
    }

    /**
     * What an operator does after a failed rotation: removes the lingering AWSPENDING label
     * (UpdateSecretVersionStage with RemoveFromVersionId), so the next rotation may start. Returns the
     * version it was removed from, or empty when no version other than AWSCURRENT's had it.
     */
    public Optional<String> cancelPending(String secret) {
        String id = secretId(secret);
        Optional<SecretVersion> lingering = lingeringPending(SecretVersion.list(secrets, id));
        lingering.ifPresent(v -> secrets.updateSecretVersionStage(r -> r.secretId(id).versionStage(SecretVersion.PENDING)
                .removeFromVersionId(v.versionId())));
        return lingering.map(SecretVersion::versionId);
    }

    /**
     * Runs the four steps with a new ClientRequestToken. Throws {@link RotationInProgressException}
     * when an earlier rotation left AWSPENDING on another version, and {@link RotationException}
     * naming the step that failed.
     */
    public RotationResult rotate(String secret, Strategy strategy) {
        Objects.requireNonNull(strategy, "strategy");
        String id = secretId(secret);
        Run run = new Run(id, strategy);
        return run.execute();
    }

    private static Optional<SecretVersion> lingeringPending(List<SecretVersion> versions) {
        return versions.stream().filter(v -> v.has(SecretVersion.PENDING) && !v.has(SecretVersion.CURRENT)).findFirst();
    }

    /** One rotation: its token, its steps so far, and the state read back for messages. */
    private final class Run {
        private final String secretId;
        private final Strategy strategy;
        private final String token = UUID.randomUUID().toString();
        private final List<RotationResult.StepOutcome> steps = new ArrayList<>();
        private final Instant startedAt = Instant.now();
        private String arn;
        private String previousVersionId;
        private String previousUser;
        private String pendingUser;
        private DatabaseSecret current;
        private DatabaseSecret pending;

        Run(String secretId, Strategy strategy) {
            this.secretId = secretId;
            this.strategy = strategy;
        }

        RotationResult execute() {
            List<SecretVersion> versions;
            try {
                arn = secrets.describeSecret(r -> r.secretId(secretId)).arn();
                versions = SecretVersion.list(secrets, arn);
            } catch (SdkException e) {
                throw new RotationException("Cannot rotate secret " + secretId + ": " + e.getMessage()
                        + ". Fix: name a secret that exists (a topology secret name or the secret's ARN)", secretId, null, e);
            }
            Optional<SecretVersion> lingering = lingeringPending(versions);
            if (lingering.isPresent()) {
                throw new RotationInProgressException("Cannot rotate secret " + arn + ": version " + lingering.get().versionId()
                        + " is labelled AWSPENDING but not AWSCURRENT, so Secrets Manager takes it for a rotation that has"
                        + " not finished (\"A previous rotation isn't complete\"). Fix: finish that rotation, or remove the"
                        + " label (SecretRotation.cancelPending, or aws secretsmanager update-secret-version-stage --secret-id "
                        + arn + " --version-stage AWSPENDING --remove-from-version-id " + lingering.get().versionId() + ")",
                        arn, lingering.get().versionId());
            }
            SecretVersion currentVersion = SecretVersion.holding(versions, SecretVersion.CURRENT).orElseThrow(() ->
                    new RotationException("Cannot rotate secret " + arn + ": no version is labelled AWSCURRENT. Fix: put a"
                            + " value first (PutSecretValue)", arn, null, null));
            previousVersionId = currentVersion.versionId();

            step(RotationStep.CREATE_SECRET, this::createSecret);
            step(RotationStep.SET_SECRET, this::setSecret);
            step(RotationStep.TEST_SECRET, this::testSecret);
            step(RotationStep.FINISH_SECRET, this::finishSecret);
            return result(Optional.empty());
        }

        private void step(RotationStep step, StepBody body) {
            Instant start = Instant.now();
            RotationResult.StepOutcome outcome;
            StepFailure failure = null;
            try {
                String detail = body.run();
                outcome = new RotationResult.StepOutcome(step, start, Instant.now(), true, detail);
            } catch (StepFailure e) {
                failure = e;
                outcome = new RotationResult.StepOutcome(step, start, Instant.now(), false, e.getMessage());
            } catch (RuntimeException e) {
                failure = new StepFailure(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), e);
                outcome = new RotationResult.StepOutcome(step, start, Instant.now(), false, failure.getMessage());
            }
            steps.add(outcome);
            for (RotationListener listener : listeners) {
                listener.stepEnded(arn, token, outcome);
            }
            if (failure != null) {
                RotationResult partial = result(Optional.of(step));
                throw new RotationException("Rotation of secret " + arn + " (" + strategy.description() + ") failed at "
                        + step + ": " + failure.getMessage() + ". " + stateAfterFailure(), arn, partial, failure.getCause());
            }
        }

        /** Where the stages are now, read back, and what to do next. */
        private String stateAfterFailure() {
            try {
                List<SecretVersion> now = SecretVersion.list(secrets, arn);
                String current = SecretVersion.holding(now, SecretVersion.CURRENT).map(SecretVersion::versionId).orElse("no version");
                Optional<SecretVersion> ours = now.stream().filter(v -> v.versionId().equals(token)).findFirst();
                String unchanged = current.equals(previousVersionId) ? "AWSCURRENT is unchanged on version " + current
                        : "AWSCURRENT is on version " + current + " (it was on " + previousVersionId + ")";
                if (ours.isPresent() && ours.get().has(SecretVersion.PENDING)) {
                    return unchanged + "; the new version " + token + " keeps AWSPENDING and blocks the next rotation."
                            + " Next: fix the cause, then finish this rotation or remove the label (SecretRotation.cancelPending)"
                            + " and rotate again";
                }
                return unchanged + "; no AWSPENDING version was left. Next: fix the cause and rotate again";
            } catch (SdkException e) {
                return "The stages could not be read back: " + e.getMessage();
            }
        }

        private RotationResult result(Optional<RotationStep> failed) {
            return new RotationResult(arn, strategy, token, previousVersionId, previousUser, pendingUser, steps, startedAt,
                    Instant.now(), failed);
        }

        // ------------------------------------------------------------------ the four steps

        private String createSecret() {
            String currentValue = secrets.getSecretValue(r -> r.secretId(arn).versionId(previousVersionId)).secretString();
            ObjectNode currentJson = parse(currentValue, arn + " version " + previousVersionId);
            current = credential(currentJson);
            previousUser = current.username();
            pendingUser = switch (strategy) {
                case SINGLE_USER -> current.username();
                case ALTERNATING_USERS -> current.username().endsWith(CLONE_SUFFIX)
                        ? current.username().substring(0, current.username().length() - CLONE_SUFFIX.length())
                        : current.username() + CLONE_SUFFIX;
            };
            if (pendingUser.length() > 63) {
                throw new StepFailure("user name " + pendingUser + " is longer than PostgreSQL's 63 characters", null);
            }
            ObjectNode pendingJson = currentJson.deepCopy();
            pendingJson.put("username", pendingUser);
            pendingJson.put("password", Passwords.generate(32));
            pending = credential(pendingJson);
            String json;
            try {
                json = JSON.writeValueAsString(pendingJson);
            } catch (IOException e) {
                throw new StepFailure("cannot write the new value as JSON", null);
            }
            secrets.putSecretValue(r -> r.secretId(arn).clientRequestToken(token).secretString(json)
                    .versionStages(SecretVersion.PENDING));
            return "PutSecretValue: version " + token + " labelled AWSPENDING, user " + pendingUser + ", a new password";
        }

        private String setSecret() {
            if (skipSetSecret) {
                return "skipped on purpose (skippingSetSecret): the database was not given the new password";
            }
            Superuser superuser = new Superuser(postgres);
            try (Connection c = superuser.connect(); Statement s = c.createStatement()) {
                boolean exists = roleExists(c, pendingUser);
                if (strategy == Strategy.SINGLE_USER || exists) {
                    if (!exists) {
                        throw new StepFailure("role " + pendingUser + " does not exist on " + superuser.where(), null);
                    }
                    s.execute("alter role " + Superuser.identifier(pendingUser) + " with login password "
                            + Superuser.literal(pending.password()));
                    return "ALTER ROLE " + pendingUser + " PASSWORD '***' on " + superuser.where();
                }
                // The first alternating rotation: the clone is a member of the original role, so it has
                // the original's rights on the database and its objects (AWS's function does the same).
                c.setAutoCommit(false);
                s.execute("create role " + Superuser.identifier(pendingUser) + " with login password "
                        + Superuser.literal(pending.password()));
                s.execute("grant " + Superuser.identifier(previousUser) + " to " + Superuser.identifier(pendingUser));
                c.commit();
                return "CREATE ROLE " + pendingUser + " LOGIN PASSWORD '***'; GRANT " + previousUser + " TO " + pendingUser
                        + " on " + superuser.where();
            } catch (SQLException e) {
                throw new StepFailure("the superuser could not set the password of " + pendingUser + " on " + superuser.where()
                        + ": " + Superuser.describe(e), e);
            }
        }

        private String testSecret() {
            DatabaseLogin.Result login = DatabaseLogin.attempt(pending);
            if (!login.ok()) {
                throw new StepFailure("cannot log in to " + pending.host() + ":" + pending.port() + "/" + pending.dbname()
                        + " as " + pending.username() + " with the AWSPENDING password: " + login.sqlState() + " "
                        + login.reason(), null);
            }
            if (!pendingUser.equals(login.user())) {
                throw new StepFailure("logged in with the AWSPENDING credential but the session runs as " + login.user()
                        + ", not " + pendingUser, null);
            }
            return "logged in to " + pending.host() + ":" + pending.port() + "/" + pending.dbname() + " as " + login.user()
                    + " with the AWSPENDING password";
        }

        private String finishSecret() {
            secrets.updateSecretVersionStage(r -> r.secretId(arn).versionStage(SecretVersion.CURRENT)
                    .moveToVersionId(token).removeFromVersionId(previousVersionId));
            List<SecretVersion> after = SecretVersion.list(secrets, arn);
            Optional<SecretVersion> previous = SecretVersion.holding(after, SecretVersion.PREVIOUS);
            if (previous.isEmpty() || !previous.get().versionId().equals(previousVersionId)) {
                // AWS labels the old version AWSPREVIOUS itself; make sure, whatever the engine did.
                secrets.updateSecretVersionStage(r -> r.secretId(arn).versionStage(SecretVersion.PREVIOUS)
                        .moveToVersionId(previousVersionId)
                        .removeFromVersionId(previous.map(SecretVersion::versionId).orElse(null)));
            }
            // A finished rotation leaves AWSPENDING on no version (AWS allows it on AWSCURRENT's, or on none).
            if (after.stream().anyMatch(v -> v.versionId().equals(token) && v.has(SecretVersion.PENDING))) {
                secrets.updateSecretVersionStage(r -> r.secretId(arn).versionStage(SecretVersion.PENDING).removeFromVersionId(token));
            }
            List<SecretVersion> check = SecretVersion.list(secrets, arn);
            String currentNow = SecretVersion.holding(check, SecretVersion.CURRENT).map(SecretVersion::versionId).orElse(null);
            String previousNow = SecretVersion.holding(check, SecretVersion.PREVIOUS).map(SecretVersion::versionId).orElse(null);
            if (!token.equals(currentNow) || !previousVersionId.equals(previousNow)) {
                throw new StepFailure("after UpdateSecretVersionStage AWSCURRENT is on " + currentNow + " and AWSPREVIOUS on "
                        + previousNow + ", expected " + token + " and " + previousVersionId, null);
            }
            return "UpdateSecretVersionStage: AWSCURRENT " + previousVersionId + " -> " + token + ", " + previousVersionId
                    + " is AWSPREVIOUS";
        }

        private boolean roleExists(Connection c, String role) throws SQLException {
            try (PreparedStatement s = c.prepareStatement("select 1 from pg_roles where rolname = ?")) {
                s.setString(1, role);
                try (ResultSet rs = s.executeQuery()) {
                    return rs.next();
                }
            }
        }
    }

    @FunctionalInterface
    private interface StepBody {
        String run();
    }

    /** A step that failed; its message is safe to show (no secret value). */
    private static final class StepFailure extends RuntimeException {
        StepFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Never echoes the value or the parser's message: either may contain the password. */
    private static ObjectNode parse(String value, String where) {
        try {
            JsonNode node = value == null ? null : JSON.readTree(value);
            if (node instanceof ObjectNode object && object.hasNonNull("username") && object.hasNonNull("password")) {
                return object;
            }
        } catch (IOException e) {
            // fall through: the message below says what is expected
        }
        throw new IllegalArgumentException("secret " + where + " is not a database secret: expected RDS's JSON form"
                + " {username, password, engine, host, port, dbname}");
    }

    private static DatabaseSecret credential(ObjectNode json) {
        return new DatabaseSecret(json.path("username").asText(), json.path("password").asText(), json.path("engine").asText("postgres"),
                json.path("host").asText("127.0.0.1"), json.path("port").asInt(5432), json.path("dbname").asText("postgres"));
    }
}
