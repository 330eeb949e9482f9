package dev.preflight.runtime;

import dev.preflight.aws.AwsClients;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;

/**
 * The environment ECS gives a container: its task definition's environment, its secrets resolved
 * from Secrets Manager at start, its port, and an AWS endpoint (the engine's, or the AWS front in
 * front of it) with credentials: its task role's, through the container credentials endpoint, as
 * ECS gives them, or (where the task cannot reach that endpoint) the engine's keys.
 */
public final class ContainerEnvironment {
    private ContainerEnvironment() {
    }

    /** With the AWS engine's own endpoint. */
    public static Map<String, String> of(ContainerDefinition container, SecretResolver secrets, AwsClients aws, int port) {
        return of(container, secrets, aws, aws.endpoint(), port, null);
    }

    /**
     * @param aws         region and credentials (secrets are resolved through it)
     * @param awsEndpoint the container's AWS_ENDPOINT_URL
     * @param port        the PORT a task sharing this machine's network listens on, or null (a container, which has its own)
     * @param credentials the task role's credentials variables (none for a task without a role), or null for the engine's keys
     */
    public static Map<String, String> of(ContainerDefinition container, SecretResolver secrets, AwsClients aws, URI awsEndpoint,
                                         Integer port, Map<String, String> credentials) {
        Map<String, String> env = new LinkedHashMap<>();
        container.environment().forEach(kv -> env.put(kv.name(), kv.value()));
        container.secrets().forEach(s -> env.put(s.name(), secrets.resolve(s.name(), s.valueFrom())));
        if (port != null) {
            env.put("PORT", Integer.toString(port));
        }
        env.put("AWS_ENDPOINT_URL", awsEndpoint.toString());
        env.put("AWS_REGION", aws.region().id());
        env.put("AWS_DEFAULT_REGION", aws.region().id());
        if (credentials == null) {
            env.put("AWS_ACCESS_KEY_ID", aws.accessKeyId());
            env.put("AWS_SECRET_ACCESS_KEY", aws.secretAccessKey());
        } else {
            env.putAll(credentials);
        }
        return env;
    }
}
