package dev.preflight.check;

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

    /** e.g. "12 x HTTP 502: the target closed ...; 3 x HTTP 503: ..." for the failed statuses in {@code byStatus}. */
    static String describeFailures(Map<Integer, Long> byStatus, Map<String, Long> errors) {
        StringBuilder s = new StringBuilder();
        for (Map.Entry<Integer, Long> e : new TreeMap<>(byStatus).entrySet()) {
            if (e.getKey() >= 200 && e.getKey() < 400) {
                continue;
            }
            if (s.length() > 0) {
                s.append("; ");
            }
            s.append(e.getValue()).append(" x ").append(meaning(e.getKey()));
        }
        if (!errors.isEmpty()) {
            s.append(" (client errors: ").append(errors).append(")");
        }
        return s.toString();
    }
}
