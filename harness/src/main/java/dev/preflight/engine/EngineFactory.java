package dev.preflight.engine;

import java.net.URI;
import java.nio.file.Path;

/** Turns the chosen {@link EngineKind} and its settings into the three engines. */
final class EngineFactory {
    private EngineFactory() {
    }

    static Engines build(EngineKind kind, EngineSettings settings, EngineVersions versions, ProcessLedger ledger, Path runDir) {
        return switch (kind) {
            case EMBEDDED -> new Engines(kind,
                    new MotoServerEngine(settings, ledger, runDir),
                    new EmbeddedPostgresEngine(ledger, runDir),
                    new EmbeddedRedisEngine(ledger, runDir),
                    ledger, runDir);
            case EXTERNAL -> new Engines(kind,
                    new ExternalAwsEngine(URI.create(settings.require("preflight.aws.endpoint", "the external engine needs the AWS API URL"))),
                    new ExternalPostgresEngine(settings.require("preflight.postgres.url", "the external engine needs a PostgreSQL superuser URL")),
                    new ExternalRedisEngine(settings.require("preflight.redis.url", "the external engine needs a Redis URL")),
                    ledger, runDir);
            case CONTAINERS -> {
                ContainerNetwork network = new ContainerNetwork(ledger);
                yield new Engines(kind,
                        new ContainerAwsEngine(settings, network, ledger),
                        new ContainerPostgresEngine(settings, versions, network, ledger),
                        new ContainerRedisEngine(settings, versions, network, ledger),
                        ledger, runDir).withNetwork(network);
            }
        };
    }
}
