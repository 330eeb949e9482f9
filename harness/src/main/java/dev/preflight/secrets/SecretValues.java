package dev.preflight.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.preflight.environment.Environment;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.ListSecretsResponse;
import software.amazon.awssdk.services.secretsmanager.model.ResourceNotFoundException;
import software.amazon.awssdk.services.secretsmanager.model.SecretListEntry;

/**
 * Secret values to look for, each with the secret and version it came from: the whole SecretString
 * of every version (read by version id), and of a JSON secret each field that is secret (password
 * and anything not in RDS's public fields: username, engine, host, port, dbname). Values shorter
 * than {@value #MIN_LENGTH} characters are left out: they would match everywhere. Held in memory
 * only; {@link #toString()} never shows a value.
 */
public final class SecretValues {
    public static final int MIN_LENGTH = 8;
    private static final ObjectMapper JSON = new ObjectMapper();
    /** RDS secret fields that are addresses and names, not secrets. */
    private static final Set<String> PUBLIC_FIELDS = Set.of("username", "engine", "host", "port", "dbname",
            "dbClusterIdentifier", "dbInstanceIdentifier", "masterarn");

    /**
     * One value and where it came from.
     *
     * @param field the JSON field, or null for the whole SecretString
     */
    public record Known(String secret, String versionId, String field, String value) {
        /** Where the value came from, never the value. */
        public String origin() {
            return secret + " version " + versionId + (field == null ? "" : " field " + field);
        }

        @Override
        public String toString() {
            return "Known[" + origin() + ", " + value.length() + " chars]";
        }
    }

    private final Map<String, Known> byValue;

    private SecretValues(Map<String, Known> byValue) {
        this.byValue = Collections.unmodifiableMap(byValue);
    }

    public static SecretValues none() {
        return new SecretValues(new LinkedHashMap<>());
    }

    /** One SecretString of one version, with its JSON fields. */
    public static SecretValues of(String secret, String versionId, String secretString) {
        Map<String, Known> map = new LinkedHashMap<>();
        add(map, secret, versionId, secretString);
        return new SecretValues(map);
    }

    /** Every version of one secret, deprecated ones included (ListSecretVersionIds, then GetSecretValue by version id). */
    public static SecretValues collect(SecretsManagerClient secrets, String secretId) {
        Map<String, Known> map = new LinkedHashMap<>();
        collectInto(map, secrets, secretId, secretId);
        return new SecretValues(map);
    }

    /** Every version of every topology secret of an environment that exists now. */
    public static SecretValues collect(Environment env) {
        Map<String, Known> map = new LinkedHashMap<>();
        for (String name : env.topology().secrets().keySet()) {
            String awsName = env.topology().naming().secret(name);
            String id = env.outputs().get("secret", name).orElse(awsName);
            collectInto(map, env.aws().secrets(), id, awsName);
        }
        return new SecretValues(map);
    }

    /** Every version of every secret the engine holds now, in the client's region (ListSecrets, all pages). */
    public static SecretValues collectAll(SecretsManagerClient secrets) {
        Map<String, Known> map = new LinkedHashMap<>();
        String token = null;
        do {
            String next = token;
            ListSecretsResponse page = secrets.listSecrets(r -> r.maxResults(100).nextToken(next));
            for (SecretListEntry s : page.secretList()) {
                collectInto(map, secrets, s.arn(), s.name());
            }
            token = page.nextToken();
        } while (token != null && !token.isEmpty());
        return new SecretValues(map);
    }

    private static void collectInto(Map<String, Known> map, SecretsManagerClient secrets, String secretId, String label) {
        List<SecretVersion> versions;
        try {
            versions = SecretVersion.list(secrets, secretId);
        } catch (ResourceNotFoundException e) {
            return; // deleted meanwhile
        }
        for (SecretVersion v : versions) {
            try {
                String value = secrets.getSecretValue(r -> r.secretId(secretId).versionId(v.versionId())).secretString();
                add(map, label, v.versionId(), value);
            } catch (SdkException e) {
                // a version without a string, or gone meanwhile: nothing to look for
            }
        }
    }

    private static void add(Map<String, Known> map, String secret, String versionId, String value) {
        if (value == null) {
            return;
        }
        put(map, new Known(secret, versionId, null, value));
        try {
            JsonNode node = JSON.readTree(value);
            if (node != null && node.isObject()) {
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = it.next();
                    if (!PUBLIC_FIELDS.contains(field.getKey()) && field.getValue().isValueNode()) {
                        put(map, new Known(secret, versionId, field.getKey(), field.getValue().asText()));
                    }
                }
            }
        } catch (IOException e) {
            // not JSON: the whole string is the value
        }
    }

    private static void put(Map<String, Known> map, Known known) {
        if (known.value().length() >= MIN_LENGTH) {
            map.putIfAbsent(known.value(), known);
        }
    }

    /** Both sets; a value known to both keeps its first origin. */
    public SecretValues and(SecretValues other) {
        Map<String, Known> map = new LinkedHashMap<>(byValue);
        other.byValue.forEach(map::putIfAbsent);
        return new SecretValues(map);
    }

    public int size() {
        return byValue.size();
    }

    public boolean isEmpty() {
        return byValue.isEmpty();
    }

    /** How many secrets the values come from. */
    public long secrets() {
        return byValue.values().stream().map(Known::secret).distinct().count();
    }

    /** How many versions the values come from. */
    public long versions() {
        return byValue.values().stream().map(k -> k.secret() + "@" + k.versionId()).distinct().count();
    }

    /** The values with their origins: for a scanner, never for printing. */
    public List<Known> values() {
        return new ArrayList<>(byValue.values());
    }

    /** The origin of a value, if known: e.g. to check that a value read elsewhere was collected. */
    public boolean contains(String value) {
        return byValue.containsKey(value);
    }

    @Override
    public String toString() {
        return size() + " secret values of " + versions() + " versions of " + secrets() + " secrets";
    }
}
