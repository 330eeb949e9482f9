package dev.preflight.oidc;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.UUID;

/**
 * A local stand-in for GitHub Actions' OIDC issuer: it signs tokens shaped like GitHub's (issuer
 * {@code https://token.actions.githubusercontent.com}, audience {@code sts.amazonaws.com}, the
 * {@code sub} forms of a branch, a tag, a pull request and an environment, the repository and ref
 * claims) with a key of its own, which the harness trusts as the provider's ({@link #publicKeys()}).
 */
public final class GithubOidcIssuer {
    public static final String ISSUER = "https://token.actions.githubusercontent.com";
    public static final String AUDIENCE = "sts.amazonaws.com";
    private static final Duration LIFETIME = Duration.ofMinutes(5);

    private final RSAKey key;

    private GithubOidcIssuer(RSAKey key) {
        this.key = key;
    }

    /** An issuer with a fresh 2048-bit RSA key. */
    public static GithubOidcIssuer create() {
        try {
            return new GithubOidcIssuer(new RSAKeyGenerator(2048).keyID(UUID.randomUUID().toString()).generate());
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate the OIDC issuer's key: " + e.getMessage(), e);
        }
    }

    /** The keys a verifier trusts as the provider's (the JWKS GitHub publishes). */
    public JWKSet publicKeys() {
        return new JWKSet(key.toPublicJWK());
    }

    /** A workflow run on a branch: {@code repo:OWNER/REPO:ref:refs/heads/BRANCH}. */
    public String branch(String repository, String branch) {
        return token("repo:" + repository + ":ref:refs/heads/" + branch, repository, "refs/heads/" + branch, "push", LIFETIME);
    }

    /** A workflow run for a tag: {@code repo:OWNER/REPO:ref:refs/tags/TAG}. */
    public String tag(String repository, String tag) {
        return token("repo:" + repository + ":ref:refs/tags/" + tag, repository, "refs/tags/" + tag, "push", LIFETIME);
    }

    /** A workflow run for a pull request (from a fork too): {@code repo:OWNER/REPO:pull_request}. */
    public String pullRequest(String repository, int number) {
        return token("repo:" + repository + ":pull_request", repository, "refs/pull/" + number + "/merge", "pull_request", LIFETIME);
    }

    /** A job that names a GitHub environment: {@code repo:OWNER/REPO:environment:NAME}. */
    public String environment(String repository, String environment, String branch) {
        return token("repo:" + repository + ":environment:" + environment, repository, "refs/heads/" + branch, "push", LIFETIME);
    }

    /** A token with this subject, valid for {@code lifetime} from now (negative: already expired). */
    public String token(String subject, String repository, String ref, String event, Duration lifetime) {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(ISSUER).audience(AUDIENCE).subject(subject)
                .issueTime(Date.from(now.minusSeconds(5))).notBeforeTime(Date.from(now.minusSeconds(5)))
                .expirationTime(Date.from(now.plus(lifetime))).jwtID(UUID.randomUUID().toString())
                .claim("repository", repository).claim("ref", ref).claim("event_name", event)
                .build();
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign the token: " + e.getMessage(), e);
        }
    }
}
