package dev.preflight.traffic;

import java.util.Optional;

/**
 * Who answered a request, known without the application's help: the load balancer logs the target
 * of every request that carries the client's trace id (as an ALB access log does), and the runtime
 * knows which task, task definition and image version that target is. A response's
 * {@code X-App-Version} header is only the fallback when no responder is known.
 */
@FunctionalInterface
public interface Responders {
    /** Nobody to ask: versions come from the response header alone. */
    Responders NONE = traceId -> Optional.empty();

    /** The target and version that answered the request sent with {@code traceId} (the trace's Root). */
    Optional<Responder> of(String traceId);

    /**
     * @param target  the target's id (an ECS task id when the runtime registered it)
     * @param version the version of the task's image (its APP_VERSION or tag), or null if unknown
     */
    record Responder(String target, String version) {
    }
}
