package dev.preflight.provision;

/** One resource's fate in a plan, apply or destroy. */
public record Change(String kind, String resource, Action action, String detail) {

    public enum Action {
        CREATE, UPDATE, UNCHANGED, DELETE,
        /** Destroy could not remove it because the AWS engine lacks the delete call (a known emulator gap). */
        RETAINED,
        /** Nothing to change, but something the user should know: e.g. a declared engine version the engine cannot honour. */
        NOTE
    }

    @Override
    public String toString() {
        String sign = switch (action) {
            case CREATE -> "+";
            case UPDATE -> "~";
            case DELETE -> "-";
            case UNCHANGED -> "=";
            case RETAINED -> "!";
            case NOTE -> "?";
        };
        return sign + " " + kind + " " + resource + (detail == null || detail.isEmpty() ? "" : " (" + detail + ")");
    }
}
