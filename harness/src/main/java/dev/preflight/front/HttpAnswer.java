package dev.preflight.front;

import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.UUID;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;

/**
 * One HTTP answer the front writes whole: the engine's, unchanged or rewritten, or one of its own
 * in the service's wire format.
 */
record HttpAnswer(int status, HttpFields headers, byte[] body) {
    static final String ECS_JSON = "application/x-amz-json-1.1";
    static final String XML = "text/xml";

    /** An answer of the front's own, with a fresh request id where the protocol puts it in a header. */
    static HttpAnswer own(int status, String contentType, String body, String requestId) {
        HttpFields.Mutable headers = HttpFields.build()
                .put(HttpHeader.CONTENT_TYPE, contentType)
                .put(HttpHeader.DATE, DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC)))
                .put("x-amzn-RequestId", requestId);
        return new HttpAnswer(status, headers.asImmutable(), body.getBytes(StandardCharsets.UTF_8));
    }

    /** A JSON protocol's client error (ECS's, Secrets Manager's...): 400, the type in the X-Amzn-ErrorType header and in the body. */
    static HttpAnswer ecsError(String type, String message) {
        HttpAnswer answer = own(400, ECS_JSON, EcsJson.error(type, message), newRequestId());
        return new HttpAnswer(400, HttpFields.build(answer.headers()).put("X-Amzn-ErrorType", type).asImmutable(), answer.body());
    }

    /** Text for an XML element of an answer the front writes. */
    static String xml(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("'", "&apos;").replace("\"", "&quot;");
    }

    static String newRequestId() {
        return UUID.randomUUID().toString();
    }

    boolean ok() {
        return status == 200;
    }

    String bodyText() {
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The same answer with another body (the engine's headers, Content-Length set when written). */
    HttpAnswer withBody(String text) {
        return new HttpAnswer(status, headers, text.getBytes(StandardCharsets.UTF_8));
    }
}
