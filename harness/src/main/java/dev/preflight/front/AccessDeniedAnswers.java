package dev.preflight.front;

import dev.preflight.iam.RecordedCall;

/**
 * AWS's AccessDenied for a task's call its role does not allow, in the wire format of the call's
 * protocol: JSON ({@code AccessDeniedException}, 400), Query (an {@code ErrorResponse}, 403) or REST
 * XML as S3 answers (an {@code Error}, 403).
 */
final class AccessDeniedAnswers {
    enum Protocol { JSON, QUERY, REST_XML }

    private AccessDeniedAnswers() {
    }

    static HttpAnswer of(Protocol protocol, RecordedCall refused) {
        String resource = refused.call().resource() == null ? "" : " on resource: " + refused.call().resource();
        String message = "User: " + refused.caller().callerArn() + " is not authorized to perform: " + refused.call().action()
                + resource + " because " + refused.decision().reason();
        String requestId = HttpAnswer.newRequestId();
        return switch (protocol) {
            case JSON -> HttpAnswer.ecsError("AccessDeniedException", message);
            case QUERY -> HttpAnswer.own(403, HttpAnswer.XML, "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>"
                    + "<Message>" + HttpAnswer.xml(message) + "</Message></Error><RequestId>" + requestId + "</RequestId></ErrorResponse>", requestId);
            case REST_XML -> HttpAnswer.own(403, "application/xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>AccessDenied"
                    + "</Code><Message>" + HttpAnswer.xml(message) + "</Message><RequestId>" + requestId + "</RequestId></Error>", requestId);
        };
    }
}
