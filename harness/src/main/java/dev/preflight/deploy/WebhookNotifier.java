package dev.preflight.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Posts a Slack-style incoming-webhook message: {@code text} for people, and the fields a machine
 * reads (service, environment, version, result, duration). A failing webhook fails the notify
 * call with the status, never the deploy itself (the pipeline reports it).
 */
public final class WebhookNotifier implements DeployNotifier {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final URI url;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public WebhookNotifier(URI url) {
        this.url = url;
    }

    @Override
    public void notify(DeployResult result) {
        Map<String, Object> payload = new LinkedHashMap<>();
        payload.put("text", text(result));
        payload.put("service", result.service());
        payload.put("environment", result.environment());
        payload.put("version", result.version());
        payload.put("result", result.result().name());
        payload.put("duration_ms", result.duration().toMillis());
        payload.put("deployment", result.deploymentId());
        payload.put("reason", result.reason());
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(payload))).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                throw new IllegalStateException("The deploy webhook " + url + " answered " + response.statusCode() + ": " + response.body());
            }
        } catch (IOException e) {
            throw new IllegalStateException("The deploy webhook " + url + " is unreachable: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while posting to the deploy webhook", e);
        }
    }

    static String text(DeployResult r) {
        String icon = switch (r.result()) {
            case SUCCEEDED -> ":white_check_mark:";
            case ROLLED_BACK -> ":rewind:";
            case FAILED -> ":x:";
        };
        return icon + " " + r.service() + " " + r.version() + " to " + r.environment() + ": " + r.result().name().toLowerCase()
                + " in " + r.duration().toMillis() / 1000.0 + " s" + (r.reason() == null ? "" : " (" + r.reason() + ")");
    }
}
