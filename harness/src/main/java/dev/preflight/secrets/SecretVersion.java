package dev.preflight.secrets;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.ListSecretVersionIdsResponse;
import software.amazon.awssdk.services.secretsmanager.model.SecretVersionsListEntry;

/**
 * One version of a Secrets Manager secret and the staging labels on it (AWSCURRENT, AWSPREVIOUS,
 * AWSPENDING or none: a deprecated version). Never holds the value.
 */
public record SecretVersion(String versionId, List<String> stages, Instant createdDate) {
    public static final String CURRENT = "AWSCURRENT";
    public static final String PREVIOUS = "AWSPREVIOUS";
    public static final String PENDING = "AWSPENDING";

    public SecretVersion {
        stages = List.copyOf(stages);
    }

    public boolean has(String stage) {
        return stages.contains(stage);
    }

    /** The first 8 characters of the id, as the reports show it. */
    public String shortId() {
        return versionId.length() > 8 ? versionId.substring(0, 8) : versionId;
    }

    /**
     * Every version of the secret, deprecated ones included, oldest first (ListSecretVersionIds,
     * all pages).
     */
    public static List<SecretVersion> list(SecretsManagerClient secrets, String secretId) {
        List<SecretVersion> versions = new ArrayList<>();
        String token = null;
        do {
            String next = token;
            ListSecretVersionIdsResponse page = secrets.listSecretVersionIds(r -> r.secretId(secretId).includeDeprecated(true)
                    .maxResults(100).nextToken(next));
            for (SecretVersionsListEntry v : page.versions()) {
                versions.add(new SecretVersion(v.versionId(), v.versionStages() == null ? List.of() : v.versionStages(),
                        v.createdDate()));
            }
            token = page.nextToken();
        } while (token != null && !token.isEmpty());
        versions.sort(Comparator.comparing((SecretVersion v) -> v.createdDate() == null ? Instant.EPOCH : v.createdDate()));
        return versions;
    }

    /** The version that holds {@code stage}, if any. */
    public static Optional<SecretVersion> holding(List<SecretVersion> versions, String stage) {
        return versions.stream().filter(v -> v.has(stage)).findFirst();
    }

    @Override
    public String toString() {
        return versionId + " " + (stages.isEmpty() ? "(no stage: deprecated)" : String.join(",", stages));
    }
}
