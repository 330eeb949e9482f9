package dev.preflight.alb;

import java.net.URI;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One target while it is registered: its health, and the requests it is serving. Accepting new
 * requests and starting to drain are decided under this object's lock, so no request can slip in
 * once a target is draining.
 */
final class RegisteredTarget {
    private final Target target;
    private final URI uri; // http://host:port, what requests to it are built on
    private final TargetHealthStateMachine health; // guarded by the group's lock
    private final Set<Exchange> inFlight = new HashSet<>(); // guarded by this
    private final AtomicInteger outstanding = new AtomicInteger(); // read lock-free by least_outstanding_requests
    private boolean accepting = true; // guarded by this
    private Runnable whenIdle; // guarded by this
    private Deregistration deregistration; // guarded by the group's lock

    RegisteredTarget(Target target, TargetHealthStateMachine health) {
        this.target = target;
        this.health = health;
        String host = target.host().contains(":") && !target.host().startsWith("[") ? "[" + target.host() + "]" : target.host();
        this.uri = URI.create("http://" + host + ":" + target.port());
    }

    Target target() {
        return target;
    }

    /** {@code http://host:port} of the target (an IPv6 address in brackets). */
    URI uri() {
        return uri;
    }

    String id() {
        return target.id();
    }

    TargetHealthStateMachine health() {
        return health;
    }

    int outstanding() {
        return outstanding.get();
    }

    Deregistration deregistration() {
        return deregistration;
    }

    void deregistration(Deregistration deregistration) {
        this.deregistration = deregistration;
    }

    /** Takes the request unless the target has begun draining. */
    synchronized boolean tryAccept(Exchange exchange) {
        if (!accepting) {
            return false;
        }
        inFlight.add(exchange);
        outstanding.incrementAndGet();
        return true;
    }

    void release(Exchange exchange) {
        Runnable idle = null;
        synchronized (this) {
            if (!inFlight.remove(exchange)) {
                return;
            }
            outstanding.decrementAndGet();
            if (!accepting && inFlight.isEmpty()) {
                idle = whenIdle;
                whenIdle = null;
            }
        }
        if (idle != null) {
            idle.run(); // outside the lock: it takes the group's lock
        }
    }

    /**
     * Stops taking requests. Returns the number in flight; when that is not 0, {@code whenIdle} runs
     * once the last of them ends.
     */
    synchronized int stopAccepting(Runnable whenIdle) {
        accepting = false;
        if (!inFlight.isEmpty()) {
            this.whenIdle = whenIdle;
        }
        return inFlight.size();
    }

    /** The requests in flight now, and no idle callback any more: the caller is cutting them. */
    synchronized List<Exchange> takeInFlight() {
        whenIdle = null;
        return new ArrayList<>(inFlight);
    }

    @Override
    public String toString() {
        return target.id() + " (" + target.host() + ":" + target.port() + ")";
    }
}
