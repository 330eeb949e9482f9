package dev.preflight.iam;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import software.amazon.awssdk.services.iam.IamClient;

/**
 * A role's identity policies as the AWS engine holds them (inline and attached), read again when
 * older than a second, so a policy changed by an apply or by hand is judged as IAM would, at once;
 * and IAM's evaluation of a call against them: an explicit Deny wins, then any Allow, else denied.
 */
public final class RolePolicies {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration FRESH = Duration.ofSeconds(1);
    /** Calls IAM never denies: any caller may ask who it is. */
    private static final java.util.Set<String> NEEDS_NO_PERMISSION = java.util.Set.of("sts:getcalleridentity");

    private record Read(List<PolicyStatement> statements, long atNanos) {
    }

    private final IamClient iam;
    private final Map<String, Read> cache = new ConcurrentHashMap<>();

    public RolePolicies(IamClient iam) {
        this.iam = iam;
    }

    /** Every statement of the role's policies, inline first. */
    public List<PolicyStatement> statements(String roleName) {
        Read read = cache.get(roleName);
        if (read == null || System.nanoTime() - read.atNanos() > FRESH.toNanos()) {
            read = new Read(load(roleName), System.nanoTime());
            cache.put(roleName, read);
        }
        return read.statements();
    }

    public Decision decide(String roleName, AwsCall call) {
        if (call.action().contains(" ")) {
            // A REST call of a service whose operations AwsCallReader does not read ("lambda:POST /2015-03-31/..."):
            // not judged, rather than denied for want of a statement naming an action that does not exist.
            return new Decision(true, null, "not judged: " + call.action() + " is not read as an IAM action");
        }
        if (NEEDS_NO_PERMISSION.contains(call.action().toLowerCase(java.util.Locale.ROOT))) {
            return Decision.needsNoPermission(call.action());
        }
        List<PolicyStatement> statements = statements(roleName);
        for (PolicyStatement s : statements) {
            if (!s.allow() && s.matches(call)) {
                return Decision.deniedBy(s);
            }
        }
        for (PolicyStatement s : statements) {
            if (s.allow() && s.matches(call)) {
                return Decision.allowedBy(s);
            }
        }
        return Decision.implicitDeny(call.action());
    }

    private List<PolicyStatement> load(String roleName) {
        List<PolicyStatement> out = new ArrayList<>();
        for (String name : iam.listRolePolicies(r -> r.roleName(roleName)).policyNames()) {
            String document = iam.getRolePolicy(r -> r.roleName(roleName).policyName(name)).policyDocument();
            out.addAll(PolicyStatement.of(name, parse(document, roleName, name)));
        }
        iam.listAttachedRolePolicies(r -> r.roleName(roleName)).attachedPolicies().forEach(attached -> {
            String version = iam.getPolicy(r -> r.policyArn(attached.policyArn())).policy().defaultVersionId();
            String document = iam.getPolicyVersion(r -> r.policyArn(attached.policyArn()).versionId(version)).policyVersion().document();
            out.addAll(PolicyStatement.of(attached.policyName(), parse(document, roleName, attached.policyName())));
        });
        return List.copyOf(out);
    }

    /** AWS returns documents URL-encoded; moto at times not. */
    private static com.fasterxml.jackson.databind.JsonNode parse(String document, String role, String policy) {
        String text = document.trim().startsWith("{") ? document : URLDecoder.decode(document, StandardCharsets.UTF_8);
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalStateException("policy " + policy + " of role " + role + " is not JSON: " + e.getMessage(), e);
        }
    }
}
