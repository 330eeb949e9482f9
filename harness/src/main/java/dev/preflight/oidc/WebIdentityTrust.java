package dev.preflight.oidc;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.preflight.topology.Role;
import java.text.ParseException;
import java.util.Date;

/**
 * Whether a web identity token may assume a role, as STS decides AssumeRoleWithWebIdentity against the
 * role's trust policy (moto does not look at the token): the signature by the provider's keys, the
 * issuer, the expiry, {@code aud} = sts.amazonaws.com and {@code sub} = the subject the role trusts
 * (docs/aws-behaviour.md section 6).
 */
public final class WebIdentityTrust {
    /** STS's answer: allowed, or why not. */
    public record Decision(boolean allowed, String reason) {
        static Decision deny(String reason) {
            return new Decision(false, reason);
        }
    }

    private final JWKSet providerKeys;

    public WebIdentityTrust(JWKSet providerKeys) {
        this.providerKeys = providerKeys;
    }

    public Decision evaluate(String roleName, Role role, String token) {
        Role.GithubOidc trusted = role.trust() == null ? null : role.trust().githubOidc();
        if (trusted == null) {
            return Decision.deny("role " + roleName + " does not trust GitHub's OIDC provider");
        }
        SignedJWT jwt;
        JWTClaimsSet claims;
        try {
            jwt = SignedJWT.parse(token);
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            return Decision.deny("the web identity token is not a signed JWT");
        }
        JWK key = jwt.getHeader().getKeyID() == null ? null : providerKeys.getKeyByKeyId(jwt.getHeader().getKeyID());
        try {
            if (!(key instanceof RSAKey rsa) || !jwt.verify(new RSASSAVerifier(rsa))) {
                return Decision.deny("the token is not signed by the provider's keys");
            }
        } catch (JOSEException e) {
            return Decision.deny("the token's signature cannot be checked: " + e.getMessage());
        }
        if (!GithubOidcIssuer.ISSUER.equals(claims.getIssuer())) {
            return Decision.deny("the token's issuer " + claims.getIssuer() + " is not the provider the role trusts");
        }
        if (claims.getExpirationTime() == null || claims.getExpirationTime().before(new Date())) {
            return Decision.deny("the token expired at " + claims.getExpirationTime());
        }
        if (claims.getAudience() == null || !claims.getAudience().contains(GithubOidcIssuer.AUDIENCE)) {
            return Decision.deny("the token's audience " + claims.getAudience() + " is not " + GithubOidcIssuer.AUDIENCE);
        }
        if (!trusted.subject().equals(claims.getSubject())) {
            return Decision.deny("the token's subject '" + claims.getSubject() + "' is not the one role " + roleName + " trusts ('"
                    + trusted.subject() + "')");
        }
        return new Decision(true, "sub " + claims.getSubject());
    }
}
