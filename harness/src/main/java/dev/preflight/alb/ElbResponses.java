package dev.preflight.alb;

import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.DateGenerator;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The answers the load balancer makes itself (docs/aws-behaviour.md section 3), shaped like AWS's: the
 * {@code Server: awselb/2.0} header tells a client that the LB, not the target, answered.
 */
final class ElbResponses {
    static final String SERVER = "awselb/2.0";

    private ElbResponses() {
    }

    /**
     * 504 when the target did not connect in time or went silent for the idle timeout; 502 for
     * everything else the target did wrong: refused, reset, closed mid-request, malformed answer.
     */
    static int statusFor(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException || t instanceof SocketTimeoutException) {
                return HttpStatus.GATEWAY_TIMEOUT_504;
            }
        }
        return HttpStatus.BAD_GATEWAY_502;
    }

    static void write(Response response, int status, Callback callback) {
        String title = status + " " + HttpStatus.getMessage(status);
        byte[] body = ("<html>\r\n<head><title>" + title + "</title></head>\r\n<body>\r\n<center><h1>" + title
                + "</h1></center>\r\n</body>\r\n</html>\r\n").getBytes(StandardCharsets.US_ASCII);
        response.setStatus(status);
        response.getHeaders()
                .put(HttpHeader.SERVER, SERVER)
                .put(HttpHeader.DATE, DateGenerator.formatDate(Instant.now()))
                .put(HttpHeader.CONTENT_TYPE, "text/html")
                .put(HttpHeader.CONTENT_LENGTH, body.length);
        response.write(true, ByteBuffer.wrap(body), callback);
    }
}
