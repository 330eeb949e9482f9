package dev.preflight.environment;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.preflight.aws.AwsClients;
import dev.preflight.engine.AwsEngine;
import dev.preflight.engine.EngineException;
import dev.preflight.topology.Topology;
import dev.preflight.topology.TopologyLoader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** An AWS engine that serves none of the needed services is refused with one message naming them. */
class ServiceCheckTest {
    private HttpServer server;

    @BeforeEach
    void startEngineThatServesNothing() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = "<ErrorResponse><Error><Code>NotImplemented</Code><Message>not implemented</Message></Error></ErrorResponse>"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(501, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void namesEveryMissingServiceInOneMessage() {
        Topology topology = new TopologyLoader().load(Path.of("../fixtures/topology"), "dev");
        AwsEngine engine = new AwsEngine() {
            @Override
            public URI endpoint() {
                return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
            }

            @Override
            public String flavor() {
                return "test";
            }

            @Override
            public void start() {
            }

            @Override
            public void close() {
            }

            @Override
            public String description() {
                return "an engine serving nothing";
            }
        };
        try (AwsClients aws = new AwsClients(engine, topology.region())) {
            assertThatThrownBy(() -> ServiceCheck.requireServices(aws, engine, topology))
                    .isInstanceOf(EngineException.class)
                    .hasMessageContaining("does not serve")
                    .hasMessageContaining("ecs")
                    .hasMessageContaining("elbv2")
                    .hasMessageContaining("rds")
                    .hasMessageContaining("application-autoscaling")
                    .hasMessageContaining("Fix:");
        }
    }
}
