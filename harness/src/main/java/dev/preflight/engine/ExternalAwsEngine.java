package dev.preflight.engine;

import java.net.URI;
import java.time.Duration;

/** An AWS API endpoint someone else runs (a shared moto, LocalStack, Floci...). Never stopped by us. */
public final class ExternalAwsEngine implements AwsEngine {
    private final URI endpoint;

    public ExternalAwsEngine(URI endpoint) {
        if (endpoint.getHost() == null || endpoint.getPort() < 0 && endpoint.getScheme() == null) {
            throw new EngineException("preflight.aws.endpoint '" + endpoint + "' is not a URL. Fix: use e.g. http://127.0.0.1:5000");
        }
        this.endpoint = endpoint;
    }

    @Override
    public void start() {
        int port = endpoint.getPort() > 0 ? endpoint.getPort() : ("https".equals(endpoint.getScheme()) ? 443 : 80);
        Readiness.awaitListening("the external AWS endpoint " + endpoint, endpoint.getHost(), port, Duration.ofSeconds(10));
    }

    @Override
    public URI endpoint() {
        return endpoint;
    }

    @Override
    public String flavor() {
        return "external";
    }

    @Override
    public void close() {
        // not ours to stop
    }

    @Override
    public String description() {
        return "external AWS endpoint " + endpoint;
    }
}
