package dev.preflight.provision;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.preflight.topology.Naming;
import dev.preflight.topology.Role;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** IAM policy documents (trust and permissions) built from the topology, and their comparison. */
final class IamPolicies {
    static final String GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";
    static final String GITHUB_OIDC_URL = "https://" + GITHUB_OIDC_HOST;
    static final String STS_AUDIENCE = "sts.amazonaws.com";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Naming naming;
    /** The ECS cluster's logical name: a service ARN names it. */
    private final String cluster;
    private final String account;
    private final String region;

    IamPolicies(Naming naming, String account, String region, String cluster) {
        this.cluster = cluster;
        this.naming = naming;
        this.account = account;
        this.region = region;
    }

    String oidcProviderArn() {
        return "arn:aws:iam::" + account + ":oidc-provider/" + GITHUB_OIDC_HOST;
    }

    String trustPolicy(Role.Trust trust) {
        ObjectNode statement = JSON.createObjectNode().put("Effect", "Allow");
        if (trust.githubOidc() != null) {
            statement.putObject("Principal").put("Federated", oidcProviderArn());
            statement.put("Action", "sts:AssumeRoleWithWebIdentity");
            ObjectNode equals = statement.putObject("Condition").putObject("StringEquals");
            equals.put(GITHUB_OIDC_HOST + ":aud", STS_AUDIENCE);
            equals.put(GITHUB_OIDC_HOST + ":sub", trust.githubOidc().subject());
        } else {
            statement.putObject("Principal").put("Service", trust.service());
            statement.put("Action", "sts:AssumeRole");
        }
        return document(statement);
    }

    String permissionsPolicy(Role role) {
        ObjectNode doc = JSON.createObjectNode().put("Version", "2012-10-17");
        ArrayNode statements = doc.putArray("Statement");
        for (Role.PolicyStatement s : role.statements()) {
            ObjectNode statement = statements.addObject().put("Effect", s.effect());
            s.actions().forEach(statement.putArray("Action")::add);
            ArrayNode resources = statement.putArray("Resource");
            s.resources().forEach(r -> resources.add(arn(r)));
        }
        return write(doc);
    }

    /** Topology resource references to ARNs; see {@link Role}. */
    String arn(String reference) {
        if (reference.equals("*")) {
            return "*";
        }
        int colon = reference.indexOf(':');
        String type = reference.substring(0, colon);
        String name = reference.substring(colon + 1);
        return switch (type) {
            case "ecr" -> "arn:aws:ecr:" + region + ":" + account + ":repository/" + naming.ecrRepository(name);
            case "logs" -> "arn:aws:logs:" + region + ":" + account + ":log-group:" + naming.logGroup(name) + ":*";
            // Secrets Manager appends six random characters to a secret's ARN.
            case "secret" -> "arn:aws:secretsmanager:" + region + ":" + account + ":secret:" + naming.secret(name) + "-??????";
            case "s3" -> {
                int slash = name.indexOf('/');
                yield slash < 0 ? "arn:aws:s3:::" + naming.bucket(name)
                        : "arn:aws:s3:::" + naming.bucket(name.substring(0, slash)) + name.substring(slash);
            }
            case "role" -> "arn:aws:iam::" + account + ":role/" + naming.of(name);
            case "ecs" -> "arn:aws:ecs:" + region + ":" + account + ":service/" + naming.of(cluster) + "/" + naming.of(name);
            default -> throw new IllegalArgumentException("Unknown resource reference " + reference);
        };
    }

    /** AWS returns policy documents URL-encoded; moto sometimes not. Compare them as JSON. */
    static boolean same(String actual, String desired) {
        if (actual == null) {
            return false;
        }
        String decoded = decode(actual);
        try {
            JsonNode a = JSON.readTree(decoded);
            JsonNode d = JSON.readTree(desired);
            return a.equals(d);
        } catch (IOException e) {
            return false;
        }
    }

    /** A policy document as JSON text, whether the engine URL-encoded it (AWS) or not (moto, at times). */
    static String decode(String document) {
        return document.trim().startsWith("{") ? document : URLDecoder.decode(document, StandardCharsets.UTF_8);
    }

    private static String document(ObjectNode statement) {
        ObjectNode doc = JSON.createObjectNode().put("Version", "2012-10-17");
        doc.putArray("Statement").add(statement);
        return write(doc);
    }

    private static String write(JsonNode node) {
        try {
            return JSON.writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
