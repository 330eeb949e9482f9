package dev.preflight.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;

/**
 * Resolves a container's secrets as ECS does at task start: once, from Secrets Manager, always
 * naming a stage or version (moto may answer an unnamed read with an older value).
 */
public final class SecretResolver {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final SecretsManagerClient secrets;

    public SecretResolver(SecretsManagerClient secrets) {
        this.secrets = secrets;
    }

    /** The value for one environment variable; errors name the variable, never the value. */
    public String resolve(String variable, String valueFrom) {
        SecretReference ref = SecretReference.parse(valueFrom);
        GetSecretValueRequest.Builder request = GetSecretValueRequest.builder().secretId(ref.secretArn());
        if (ref.versionId() != null) {
            request.versionId(ref.versionId());
        } else {
            request.versionStage(ref.effectiveStage());
        }
        String value;
        try {
            value = secrets.getSecretValue(request.build()).secretString();
        } catch (RuntimeException e) {
            throw new SecretResolutionException(variable + ": cannot read secret " + ref.secretArn()
                    + (ref.versionId() != null ? " version " + ref.versionId() : " stage " + ref.effectiveStage()) + ": " + e.getMessage(), e);
        }
        if (value == null) {
            throw new SecretResolutionException(variable + ": secret " + ref.secretArn() + " has no SecretString (ECS supports only string secrets)", null);
        }
        if (ref.jsonKey() == null) {
            return value;
        }
        try {
            JsonNode node = JSON.readTree(value).get(ref.jsonKey());
            if (node == null) {
                throw new SecretResolutionException(variable + ": secret " + ref.secretArn() + " has no JSON key '" + ref.jsonKey() + "'", null);
            }
            return node.isTextual() ? node.asText() : node.toString();
        } catch (IOException e) {
            throw new SecretResolutionException(variable + ": secret " + ref.secretArn() + " is not JSON, so key '"
                    + ref.jsonKey() + "' cannot be read", null);
        }
    }

    /** A secret a task needs could not be resolved; ECS stops such a task before it starts. */
    public static final class SecretResolutionException extends RuntimeException {
        public SecretResolutionException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
