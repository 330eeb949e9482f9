package dev.preflight.alb;

import static dev.preflight.alb.AlbFixtures.SCALE;
import static dev.preflight.alb.AlbFixtures.awaitHealthy;
import static dev.preflight.alb.AlbFixtures.group;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.junit.jupiter.api.Test;

/**
 * Keep-alive requests on one listener connection: after each answer (completed on the client's
 * thread) the next request is read on that thread when it has arrived, not handed to the pool, and
 * every answer is still right. If a Jetty upgrade stops resuming connections this way, the first assertion says so.
 */
class ListenerThreadPoolTest {
    @Test
    void theNextRequestOfAKeptAliveConnectionIsReadWhereTheLastAnswerCompleted() throws Exception {
        try (ApplicationLoadBalancer alb = ApplicationLoadBalancer.start(AlbFixtures.single("inline", 600, group()), SCALE);
             TestBackend backend = TestBackend.start("b")) {
            alb.targetGroup("app").register(backend.target());
            awaitHealthy(alb.targetGroup("app"), "b");
            HttpClient client = new HttpClient();
            client.setMaxConnectionsPerDestination(1); // one listener connection, reused
            client.start();
            try {
                AtomicInteger ok = new AtomicInteger();
                for (int i = 0; i < 50; i++) {
                    ContentResponse response = client.newRequest(alb.url().resolve("/n/" + i)).timeout(10, TimeUnit.SECONDS).send();
                    if (response.getStatus() == 200 && response.getContentAsString().equals("b")) {
                        ok.incrementAndGet();
                    }
                }
                assertThat(ok).hasValue(50);
                // How many of the 49 are read inline depends on whether the next request has arrived when the answer
                // completes (a race with the client, lost more often on a busy machine); that it happens at all
                // is what a Jetty upgrade could take away.
                assertThat(alb.inlineReads()).as("next requests read on the completing thread").isPositive();
                assertThat(backend.requests()).extracting(TestBackend.Seen::path).contains("/n/0", "/n/49");
            } finally {
                client.stop();
            }
        }
    }
}
