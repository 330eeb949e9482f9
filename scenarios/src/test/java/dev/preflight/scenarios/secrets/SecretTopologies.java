package dev.preflight.scenarios.secrets;

import dev.preflight.topology.LoadBalancer;
import dev.preflight.topology.Topology;
import dev.preflight.traffic.LoadProfile;

/** Edits of dev that the secrets scenarios share. */
final class SecretTopologies {
    /**
     * The load balancer's idle timeout for scenarios that load /api/db: 600 s, 10 s once time is
     * compressed. At dev's 60 s (1 s compressed) a new task's first database request (class loading,
     * the pool's first connection, the SCRAM login, on two busy cores) is cut with a 504 that real
     * time would never show, and the app's own 503 (after its pool's 3 s connection timeout) never
     * reaches the client. What these scenarios measure is the credential, not the idle timeout.
     */
    static final int IDLE_TIMEOUT_SECONDS = 600;

    private SecretTopologies() {
    }

    static Topology withPatientLoadBalancer(Topology topology) {
        LoadBalancer lb = topology.loadBalancer();
        return topology.withLoadBalancer(new LoadBalancer(lb.name(), lb.subnets(), lb.securityGroups(), IDLE_TIMEOUT_SECONDS,
                lb.listener(), lb.targetGroups()));
    }

    /** The "Setup" section of a scenario's report: tasks, load, idle timeout. */
    static String setup(String tasks, LoadProfile load) {
        return tasks + " of api; " + (int) load.requestsPerSecond() + " GET " + load.path() + " per second for "
                + load.duration().toSeconds() + " s through the load balancer, whose idle timeout is " + IDLE_TIMEOUT_SECONDS
                + " s (compressed by the time scale) so that a new task's cold first database request is not cut";
    }
}
