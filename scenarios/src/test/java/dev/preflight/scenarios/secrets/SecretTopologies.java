package dev.preflight.scenarios.secrets;

import dev.preflight.traffic.LoadProfile;

/** What the secrets scenarios share. */
final class SecretTopologies {
    private SecretTopologies() {
    }

    /** The "Setup" section of a scenario's report: tasks and load. */
    static String setup(String tasks, LoadProfile load) {
        return tasks + " of api; " + (int) load.requestsPerSecond() + " GET " + load.path() + " per second for "
                + load.duration().toSeconds() + " s through the load balancer (dev's own idle timeout, 60 s of real time)";
    }
}
