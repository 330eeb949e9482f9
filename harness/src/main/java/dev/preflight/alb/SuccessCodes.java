package dev.preflight.alb;

import java.util.ArrayList;
import java.util.List;

/**
 * A health-check matcher: the HTTP codes that count as a pass, written as AWS does: {@code 200},
 * {@code 200,204} or {@code 200-299} (lists and ranges may be combined).
 */
public final class SuccessCodes {
    private record Range(int from, int to) {
    }

    private final String text;
    private final List<Range> ranges;

    private SuccessCodes(String text, List<Range> ranges) {
        this.text = text;
        this.ranges = ranges;
    }

    public static SuccessCodes parse(String matcher, String where) {
        if (matcher == null || matcher.isBlank()) {
            throw new LoadBalancerException(where + ": health check matcher is empty; write e.g. \"200\" or \"200-299\"");
        }
        List<Range> ranges = new ArrayList<>();
        for (String part : matcher.split(",")) {
            String p = part.trim();
            try {
                int dash = p.indexOf('-');
                int from = Integer.parseInt(dash < 0 ? p : p.substring(0, dash).trim());
                int to = dash < 0 ? from : Integer.parseInt(p.substring(dash + 1).trim());
                if (from < 100 || to > 599 || from > to) {
                    throw new NumberFormatException();
                }
                ranges.add(new Range(from, to));
            } catch (NumberFormatException e) {
                throw new LoadBalancerException(where + ": health check matcher '" + matcher + "' has an invalid part '"
                        + p + "'; write codes like \"200\", \"200,204\" or \"200-299\"");
            }
        }
        return new SuccessCodes(matcher, List.copyOf(ranges));
    }

    public boolean matches(int status) {
        for (Range r : ranges) {
            if (status >= r.from() && status <= r.to()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return text;
    }
}
