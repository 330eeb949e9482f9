package dev.preflight.alb;

import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Which target answered which request, as an ALB access log records it: by the request's trace
 * Root, for requests whose client sent one ({@code X-Amzn-Trace-Id: Root=...}, as the load
 * generator does). Only the most recent {@value #CAPACITY} are kept, so a long run cannot grow it
 * without bound; lookups and records are lock-free.
 */
public final class AccessLog {
    static final int CAPACITY = 200_000;

    private final ConcurrentHashMap<String, String> targetByTrace = new ConcurrentHashMap<>();
    private final AtomicReferenceArray<String> ring = new AtomicReferenceArray<>(CAPACITY);
    private final AtomicLong written = new AtomicLong();

    AccessLog() {
    }

    /** Records that the request with this trace Root was routed to {@code targetId}. */
    void record(String traceRoot, String targetId) {
        int slot = (int) (written.getAndIncrement() % CAPACITY);
        String evicted = ring.getAndSet(slot, traceRoot);
        if (evicted != null) {
            targetByTrace.remove(evicted);
        }
        targetByTrace.put(traceRoot, targetId);
    }

    /** The target that answered the request sent with this trace Root, if the log still holds it. */
    public Optional<String> targetOf(String traceRoot) {
        return Optional.ofNullable(targetByTrace.get(traceRoot));
    }

    /** The Root of an X-Amzn-Trace-Id header ({@code Root=1-...;Self=...}), or null when it has none. */
    static String rootOf(String header) {
        if (header == null) {
            return null;
        }
        for (String part : header.split(";")) {
            String field = part.strip();
            if (field.startsWith("Root=")) {
                return field.substring("Root=".length());
            }
        }
        return null;
    }
}
