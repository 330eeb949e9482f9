package dev.preflight.provision;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The values the load balancer, ECS and autoscaling kinds read from earlier kinds: ids and ARNs from
 * {@link Outputs}, and the {@code ${...}} references of container environments.
 *
 * <p>In a plan an earlier resource may not exist yet, so its id is unknown. Such a value is
 * {@link #KNOWN_AFTER_APPLY}: it never equals an actual value, so whatever depends on it shows up as
 * changed, and it must never be sent to AWS (check {@link #known}).
 */
final class Placeholders {
    static final String KNOWN_AFTER_APPLY = "(known after apply)";

    /** {@code ${<section>.<id>.<attribute>}}; the topology validator has already checked the forms. */
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([a-z0-9]+)\\.([^.}]+)\\.([a-zA-Z]+)}");

    private Placeholders() {
    }

    /** An earlier kind's output; in a plan, {@link #KNOWN_AFTER_APPLY} when it does not exist yet. */
    static String output(ProvisionContext ctx, String kind, String name) {
        Optional<String> value = ctx.outputs().get(kind, name);
        if (value.isPresent()) {
            return value.get();
        }
        if (ctx.dryRun()) {
            return KNOWN_AFTER_APPLY + " " + kind + "/" + name;
        }
        return ctx.outputs().require(kind, name);
    }

    static boolean known(String value) {
        return value != null && !value.startsWith(KNOWN_AFTER_APPLY);
    }

    /**
     * Replaces {@code ${elasticache.<id>.url}}, {@code ${s3.<id>.bucket}}, {@code ${rds.<id>.address}} and
     * {@code ${rds.<id>.port}} by the real values. A value with an unknown reference (plan only) becomes
     * {@link #KNOWN_AFTER_APPLY} as a whole.
     */
    static String resolve(ProvisionContext ctx, String value) {
        Matcher m = REFERENCE.matcher(value);
        StringBuilder resolved = new StringBuilder();
        while (m.find()) {
            String replacement = output(ctx, outputKind(m.group(1), m.group(3), m.group()), m.group(2));
            if (!known(replacement)) {
                return replacement;
            }
            m.appendReplacement(resolved, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(resolved);
        return resolved.toString();
    }

    private static String outputKind(String section, String attribute, String reference) {
        return switch (section + "." + attribute) {
            case "elasticache.url" -> "cache";
            case "s3.bucket" -> "bucket";
            case "rds.address" -> "rdsAddress";
            case "rds.port" -> "rdsPort";
            default -> throw new ProvisionException("Unsupported placeholder " + reference
                    + ": use ${elasticache.<id>.url}, ${s3.<id>.bucket}, ${rds.<id>.address} or ${rds.<id>.port}");
        };
    }

    /**
     * The ECS {@code valueFrom} of a topology secret reference: {@code db-credentials} becomes the
     * secret's ARN, {@code db-credentials:password::} the ARN followed by {@code :password::}.
     */
    static String secretValueFrom(ProvisionContext ctx, String reference) {
        int colon = reference.indexOf(':');
        String name = colon < 0 ? reference : reference.substring(0, colon);
        String suffix = colon < 0 ? "" : reference.substring(colon);
        String arn = output(ctx, "secret", name);
        return known(arn) ? arn + suffix : arn;
    }
}
