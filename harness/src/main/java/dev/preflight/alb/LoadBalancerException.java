package dev.preflight.alb;

/** The load balancer cannot start as configured; the message names the load balancer and the fix. */
public final class LoadBalancerException extends RuntimeException {
    public LoadBalancerException(String message) {
        super(message);
    }

    public LoadBalancerException(String message, Throwable cause) {
        super(message, cause);
    }
}
