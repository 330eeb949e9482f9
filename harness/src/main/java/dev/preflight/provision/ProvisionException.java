package dev.preflight.provision;

/** A change the AWS engine refused; names the resource and the engine's own words. */
public class ProvisionException extends RuntimeException {
    private final Change change;

    public ProvisionException(Change change, Throwable cause) {
        super("Could not " + change.action().name().toLowerCase() + " " + change.kind() + " '" + change.resource() + "': "
                + cause.getMessage(), cause);
        this.change = change;
    }

    public ProvisionException(String message) {
        super(message);
        this.change = null;
    }

    public Change change() {
        return change;
    }
}
