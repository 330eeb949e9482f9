package dev.preflight.secrets;

/**
 * A secret value found where it must not be: the place (a file, a log stream, an exception) and
 * line, and which secret, version and field it is. Never the value itself.
 *
 * @param line 1-based line (or log event) number, 0 when the place has no lines
 */
public record SecretLeak(String source, long line, String secret, String versionId, String field) {
    @Override
    public String toString() {
        return source + (line > 0 ? ":" + line : "") + ": value of secret " + secret + " version " + versionId
                + (field == null ? "" : " (field " + field + ")");
    }
}
