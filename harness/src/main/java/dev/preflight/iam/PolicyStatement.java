package dev.preflight.iam;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * One statement of an identity policy, as IAM matches it: Effect, Action or NotAction (wildcards,
 * any case), Resource or NotResource (ARN wildcards {@code *} and {@code ?}, case kept). A statement
 * with a Condition is taken to apply: the topology's permission policies have none, and the report
 * says so where one was met.
 */
public record PolicyStatement(String policy, int index, boolean allow, List<String> actions, boolean notAction,
                              List<String> resources, boolean notResource, boolean conditional) {

    /** The statements of a policy document ({@code Statement} one object or a list). */
    public static List<PolicyStatement> of(String policyName, JsonNode document) {
        List<PolicyStatement> out = new ArrayList<>();
        JsonNode statements = document.path("Statement");
        List<JsonNode> list = new ArrayList<>();
        if (statements.isArray()) {
            statements.forEach(list::add);
        } else if (statements.isObject()) {
            list.add(statements);
        }
        for (int i = 0; i < list.size(); i++) {
            JsonNode s = list.get(i);
            boolean notAction = s.has("NotAction");
            boolean notResource = s.has("NotResource");
            out.add(new PolicyStatement(policyName, i, !"Deny".equals(s.path("Effect").asText("Allow")),
                    strings(s.get(notAction ? "NotAction" : "Action")), notAction,
                    strings(s.get(notResource ? "NotResource" : "Resource")), notResource, s.has("Condition")));
        }
        return out;
    }

    /** Whether the statement applies to {@code action} (Action lists it, or NotAction does not). */
    public boolean matchesAction(String action) {
        boolean listed = actions.stream().anyMatch(a -> IamWildcard.matchesAction(a, action));
        return listed != notAction;
    }

    /** A resource not read (null) matches any statement whose action matches. */
    public boolean matchesResource(String resource) {
        if (resource == null) {
            return true;
        }
        boolean listed = resources.stream().anyMatch(r -> IamWildcard.matchesResource(r, resource));
        return listed != notResource;
    }

    public boolean matches(AwsCall call) {
        return matchesAction(call.action()) && matchesResource(call.resource());
    }

    /** {@code api-task statement 0}: where a grant or a denial comes from. */
    public String label() {
        return policy + " statement " + index;
    }

    private static List<String> strings(JsonNode node) {
        List<String> out = new ArrayList<>();
        if (node == null) {
            return out;
        }
        if (node.isArray()) {
            node.forEach(n -> out.add(n.asText()));
        } else {
            out.add(node.asText());
        }
        return out;
    }
}
