package dev.preflight.runtime;

/**
 * An ECS {@code valueFrom} naming a Secrets Manager secret:
 * {@code <secret ARN>[:json-key:version-stage:version-id]}, where omitted fields keep their colons
 * ({@code arn...:secret:db-AbCdEf:password::}). Stage and version id are mutually exclusive; with
 * neither, the AWSCURRENT stage is read.
 */
public record SecretReference(String secretArn, String jsonKey, String versionStage, String versionId) {

    public static final String CURRENT = "AWSCURRENT";

    public static SecretReference parse(String valueFrom) {
        String[] parts = valueFrom.split(":", -1);
        // arn:aws:secretsmanager:<region>:<account>:secret:<name-suffix> is seven fields.
        if (parts.length < 7 || !parts[0].equals("arn") || !parts[2].equals("secretsmanager") || !parts[5].equals("secret")) {
            throw new IllegalArgumentException("valueFrom '" + valueFrom + "' is not a Secrets Manager secret ARN"
                    + " (arn:aws:secretsmanager:<region>:<account>:secret:<name>[:json-key:version-stage:version-id])");
        }
        if (parts.length != 7 && parts.length != 10) {
            throw new IllegalArgumentException("valueFrom '" + valueFrom + "' must end after the secret name or have exactly"
                    + " three more fields :json-key:version-stage:version-id (leave a field empty, keep its colon)");
        }
        String arn = String.join(":", java.util.Arrays.copyOfRange(parts, 0, 7));
        if (parts.length == 7) {
            return new SecretReference(arn, null, null, null);
        }
        String key = emptyToNull(parts[7]);
        String stage = emptyToNull(parts[8]);
        String version = emptyToNull(parts[9]);
        if (stage != null && version != null) {
            throw new IllegalArgumentException("valueFrom '" + valueFrom + "' names both a version stage and a version id;"
                    + " ECS allows one of them");
        }
        return new SecretReference(arn, key, stage, version);
    }

    private static String emptyToNull(String s) {
        return s.isEmpty() ? null : s;
    }

    /** The stage to read: the given one, or AWSCURRENT unless a version id is given. */
    public String effectiveStage() {
        return versionId != null ? null : (versionStage != null ? versionStage : CURRENT);
    }
}
