package dev.preflight.deploy;

/** Tells the team how a deploy went, as the seed's pipeline posts to Slack. */
public interface DeployNotifier {
    void notify(DeployResult result);

    /** For pipelines that notify nobody. */
    static DeployNotifier none() {
        return result -> { };
    }
}
