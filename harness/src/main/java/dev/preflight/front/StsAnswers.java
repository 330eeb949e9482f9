package dev.preflight.front;

import dev.preflight.oidc.WebIdentityTrust;
import dev.preflight.topology.Role;
import dev.preflight.topology.Topology;
import java.util.Map;
import java.util.function.Supplier;

/**
 * STS AssumeRoleWithWebIdentity for the topology's roles, decided as STS would against the role's
 * trust ({@link WebIdentityTrust}); moto would grant any token. Allowed calls go to the engine, which
 * issues the credentials; refused ones get STS's AccessDenied. Other roles and calls pass unchanged.
 */
final class StsAnswers {
    static final String ACTION = "AssumeRoleWithWebIdentity";
    private static final String NAMESPACE = "https://sts.amazonaws.com/doc/2011-06-15/";

    /** The environment's topology now: an apply may change its roles. */
    private final Supplier<Topology> topology;
    private final WebIdentityTrust trust;

    StsAnswers(Supplier<Topology> topology, WebIdentityTrust trust) {
        this.topology = topology;
        this.trust = trust;
    }

    HttpAnswer answer(Map<String, String> parameters, EngineCall engine, byte[] body) {
        Topology topology = this.topology.get();
        String arn = parameters.getOrDefault("RoleArn", "");
        String roleName = arn.substring(arn.lastIndexOf('/') + 1);
        for (Map.Entry<String, Role> e : topology.iam().roles().entrySet()) {
            if (topology.naming().of(e.getKey()).equals(roleName)) {
                WebIdentityTrust.Decision decision = trust.evaluate(e.getKey(), e.getValue(), parameters.getOrDefault("WebIdentityToken", ""));
                if (!decision.allowed()) {
                    String requestId = HttpAnswer.newRequestId();
                    return HttpAnswer.own(403, HttpAnswer.XML, "<ErrorResponse xmlns=\"" + NAMESPACE + "\"><Error><Type>Sender</Type>"
                            + "<Code>AccessDenied</Code><Message>Not authorized to perform sts:AssumeRoleWithWebIdentity: "
                            + HttpAnswer.xml(decision.reason()) + "</Message></Error><RequestId>" + requestId + "</RequestId></ErrorResponse>", requestId);
                }
            }
        }
        return engine.send(body);
    }
}
