package dev.preflight.alb;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A listener-rule match value with AWS's wildcards: {@code *} matches any characters (also none),
 * {@code ?} exactly one. Path patterns are case-sensitive; host patterns are not, and match the
 * whole host, so {@code *.example.com} does not match {@code example.com}.
 */
final class WildcardPattern {
    private final String source;
    private final Pattern regex;

    private WildcardPattern(String source, boolean caseSensitive) {
        this.source = source;
        StringBuilder re = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : source.toCharArray()) {
            if (c == '*' || c == '?') {
                if (literal.length() > 0) {
                    re.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                re.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (literal.length() > 0) {
            re.append(Pattern.quote(literal.toString()));
        }
        this.regex = Pattern.compile(re.toString(), caseSensitive ? Pattern.DOTALL
                : Pattern.DOTALL | Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE);
    }

    static WildcardPattern path(String pattern) {
        return new WildcardPattern(pattern, true);
    }

    static WildcardPattern host(String pattern) {
        return new WildcardPattern(pattern.toLowerCase(Locale.ROOT), false);
    }

    boolean matches(String value) {
        return value != null && regex.matcher(value).matches();
    }

    @Override
    public String toString() {
        return source;
    }
}
