package dev.preflight.alb;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.client.Request;

/**
 * One request forwarded to one target, from the moment the target accepted it until the client has
 * its answer. Holds what draining needs to cut it and what metrics need to time it.
 */
final class Exchange {
    private final TargetGroupRuntime group;
    private final RegisteredTarget target;
    private final long startNanos = System.nanoTime();
    private volatile long responseBeginNanos;
    private final AtomicBoolean finished = new AtomicBoolean();
    private Request proxyRequest; // guarded by this
    private Throwable cutCause; // guarded by this
    private CompletableFuture<Boolean> pendingCut; // guarded by this: a cut that came before the request was sent

    Exchange(TargetGroupRuntime group, RegisteredTarget target) {
        this.group = group;
        this.target = target;
    }

    TargetGroupRuntime group() {
        return group;
    }

    RegisteredTarget target() {
        return target;
    }

    void responseBegan() {
        responseBeginNanos = System.nanoTime();
    }

    /** Time from forwarding to the target's status line (AWS's TargetResponseTime), or -1. */
    long targetResponseNanos() {
        long begin = responseBeginNanos;
        return begin == 0 ? -1 : begin - startNanos;
    }

    void attach(Request request) {
        Throwable cause;
        CompletableFuture<Boolean> pending;
        synchronized (this) {
            proxyRequest = request;
            cause = cutCause;
            pending = pendingCut;
            pendingCut = null;
        }
        if (cause != null) {
            // Not sent yet: Jetty reports "nothing to abort" but fails the request when it is sent.
            request.abort(cause);
            if (pending != null) {
                pending.complete(true);
            }
        }
    }

    /** Aborts the request towards the target; completes with whether it was still open (so really cut). */
    CompletableFuture<Boolean> cut(Throwable cause) {
        Request request;
        synchronized (this) {
            if (cutCause != null || finished.get()) {
                return CompletableFuture.completedFuture(false);
            }
            cutCause = cause;
            request = proxyRequest;
            if (request == null) {
                pendingCut = new CompletableFuture<>();
                return pendingCut;
            }
        }
        return request.abort(cause).exceptionally(failure -> false);
    }

    synchronized boolean wasCut() {
        return cutCause != null;
    }

    /** Ends the exchange once (any path: answered, failed, client gone); frees the target's slot. */
    boolean finish() {
        if (!finished.compareAndSet(false, true)) {
            return false;
        }
        CompletableFuture<Boolean> pending;
        synchronized (this) {
            pending = pendingCut;
            pendingCut = null;
        }
        if (pending != null) {
            pending.complete(false);
        }
        target.release(this);
        return true;
    }
}
