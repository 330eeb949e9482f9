package dev.preflight.iam;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * IAM's wildcards in an action or a resource ARN: {@code *} any run of characters, {@code ?} any one.
 * Actions match in any case, ARNs as written. Patterns are compiled once: every call a task makes is
 * matched against every statement of its role.
 */
public final class IamWildcard {
    private static final Map<String, Pattern> COMPILED = new ConcurrentHashMap<>();

    private IamWildcard() {
    }

    /** An action ({@code s3:Get*}) against an action, in any case. */
    public static boolean matchesAction(String pattern, String action) {
        return compiled(pattern.toLowerCase(Locale.ROOT)).matcher(action.toLowerCase(Locale.ROOT)).matches();
    }

    /** A resource pattern ({@code arn:aws:s3:::media/*}) against an ARN, case kept. */
    public static boolean matchesResource(String pattern, String arn) {
        return compiled(pattern).matcher(arn).matches();
    }

    private static Pattern compiled(String pattern) {
        return COMPILED.computeIfAbsent(pattern, p -> {
            StringBuilder regex = new StringBuilder();
            for (char c : p.toCharArray()) {
                switch (c) {
                    case '*' -> regex.append(".*");
                    case '?' -> regex.append('.');
                    default -> regex.append(Pattern.quote(String.valueOf(c)));
                }
            }
            return Pattern.compile(regex.toString(), Pattern.DOTALL);
        });
    }
}
