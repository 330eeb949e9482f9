package dev.preflight.front;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** The parameters of an AWS Query call ({@code Action=...&Version=...}), from a URL query or a form body. */
final class QueryParameters {
    private QueryParameters() {
    }

    static Map<String, String> parse(String encoded) {
        Map<String, String> parameters = new LinkedHashMap<>();
        if (encoded == null || encoded.isEmpty()) {
            return parameters;
        }
        for (String pair : encoded.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            parameters.putIfAbsent(name, value);
        }
        return parameters;
    }

    /**
     * The service a SigV4 {@code Authorization} header is scoped to
     * ({@code Credential=AKID/20240101/eu-west-1/elasticloadbalancing/aws4_request}), or null.
     */
    static String signedService(String authorization) {
        String[] scope = credentialScope(authorization);
        return scope.length >= 5 ? scope[scope.length - 2] : null;
    }

    /**
     * The credential scope a call is signed with: from its SigV4 {@code Authorization} header, else from
     * a presigned URL's {@code X-Amz-Credential} ({@code AKID/20240101/eu-west-1/s3/aws4_request}); empty when unsigned.
     */
    static String[] signedScope(String authorization, String query) {
        String[] scope = credentialScope(authorization);
        if (scope.length >= 5) {
            return scope;
        }
        String presigned = parse(query).get("X-Amz-Credential");
        return presigned == null ? new String[0] : presigned.split("/");
    }

    private static String[] credentialScope(String authorization) {
        if (authorization == null) {
            return new String[0];
        }
        int at = authorization.indexOf("Credential=");
        if (at < 0) {
            return new String[0];
        }
        String credential = authorization.substring(at + "Credential=".length());
        int end = credential.indexOf(',');
        return (end < 0 ? credential : credential.substring(0, end)).trim().split("/");
    }
}
