package dev.preflight.check;

import dev.preflight.traffic.LoadSummary;
import java.util.Map;
import java.util.TreeMap;

/** What the load balancer meant by a failed status, in ALB's own troubleshooting words. */
final class AlbStatus {
    private AlbStatus() {
    }

    static String meaning(int status) {
        return switch (status) {
            case 0 -> "no complete response (connection failed, timed out or not sent)";
            case 460 -> "the client closed the connection before the load balancer answered";
            case 502 -> "HTTP 502: the target closed, reset or refused the connection (a task stopped with requests in flight)";
            case 503 -> "HTTP 503: the target group had no registered healthy target";
            case 504 -> "HTTP 504: the target did not answer within the idle timeout or the connect timeout";
            default -> status >= 500 ? "HTTP " + status + " from the target itself" : "HTTP " + status;
        };
    }

    /**
     * e.g. "12 x HTTP 502: the target closed ...; 3 x HTTP 503 from the target itself" for the failed
     * statuses of a load. A status a task answered (the access log names it) is the application's,
     * but for 502 and 504, which the load balancer gives about a target.
     */
    static String describeFailures(LoadSummary summary) {
        StringBuilder s = new StringBuilder();
        for (Map.Entry<Integer, Long> e : new TreeMap<>(summary.byStatus()).entrySet()) {
            int status = e.getKey();
            if (status >= 200 && status < 400) {
                continue;
            }
            long fromTargets = status == 502 || status == 504 ? 0 : summary.byStatusFromTargets().getOrDefault(status, 0L);
            if (fromTargets > 0) {
                append(s, fromTargets + " x HTTP " + status + " from the target itself (the application answered it; see the task logs)");
            }
            if (e.getValue() > fromTargets) {
                append(s, (e.getValue() - fromTargets) + " x " + meaning(status));
            }
        }
        if (!summary.errors().isEmpty()) {
            s.append(" (client errors: ").append(summary.errors()).append(")");
        }
        return s.toString();
    }

    private static void append(StringBuilder s, String part) {
        if (s.length() > 0) {
            s.append("; ");
        }
        s.append(part);
    }
}
