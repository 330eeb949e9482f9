package dev.preflight.provision;

/** One resource's fate in a plan, apply or destroy. */
public record Change(String kind, String resource, Action action, String detail) {

    public enum Action {
        CREATE, UPDATE, UNCHANGED, DELETE,
        /** Destroy could not remove it because the AWS engine lacks the delete call (a known emulator gap). */
        RETAINED
    }

    @Override
    public String toString() {
        String sign = switch (action) {
            case CREATE -> "+";
            case UPDATE -> "~";
            case DELETE -> "-";
            case UNCHANGED -> "=";
            case RETAINED -> "!";
        };
        return sign + " " + kind + " " + resource + (detail == null || detail.isEmpty() ? "" : " (" + detail + ")");
    }
}
