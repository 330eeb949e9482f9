package dev.preflight.alb;

import static dev.preflight.alb.AlbFixtures.SCALE;
import static dev.preflight.alb.AlbFixtures.get;
import static dev.preflight.alb.AlbFixtures.group;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The answers the load balancer made itself are kept with their target and cause, so a failure can be explained. */
class RecentElbErrorsTest {
    @Test
    void a502NamesItsTargetAndCauseAndA503NamesNone() {
        try (ApplicationLoadBalancer alb = ApplicationLoadBalancer.start(AlbFixtures.single("errors", 600, group()), SCALE)) {
            TargetGroupRuntime app = alb.targetGroup("app");
            long before = System.nanoTime();
            assertThat(get(alb, "/").statusCode()).isEqualTo(503);
            app.register(new Target("gone", "127.0.0.1", AlbFixtures.closedPort()));
            assertThat(get(alb, "/").statusCode()).isEqualTo(502);

            List<TargetGroupMetrics.ElbError> errors = app.metrics().recentElbErrors();
            assertThat(errors).hasSize(2);
            assertThat(errors.get(0).status()).isEqualTo(503);
            assertThat(errors.get(0).targetId()).isNull();
            assertThat(errors.get(0).cause()).isEqualTo("no target to route to");
            assertThat(errors.get(1).status()).isEqualTo(502);
            assertThat(errors.get(1).targetId()).isEqualTo("gone");
            assertThat(errors.get(1).cause()).contains("ConnectException").containsIgnoringCase("refused");
            assertThat(errors.get(1).nanoTime()).isGreaterThan(errors.get(0).nanoTime()).isGreaterThan(before);
            assertThat(app.metrics().elb5xxCount()).as("counted as before").isEqualTo(2);
        }
    }

    @Test
    void onlyTheLastThousandAreKept() {
        TargetGroupMetrics metrics = new TargetGroupMetrics();
        for (int i = 0; i < TargetGroupMetrics.RECENT_ELB_ERRORS + 5; i++) {
            metrics.recordElbError(502, "t" + i, "cause " + i);
        }
        List<TargetGroupMetrics.ElbError> errors = metrics.recentElbErrors();
        assertThat(errors).hasSize(TargetGroupMetrics.RECENT_ELB_ERRORS);
        assertThat(errors.get(0).targetId()).isEqualTo("t5");
        assertThat(metrics.elb5xxCount()).isEqualTo(TargetGroupMetrics.RECENT_ELB_ERRORS + 5);
    }

    @Test
    void describeGivesTheChainClassAndMessage() {
        Exception e = new IllegalStateException("outer", new java.net.SocketTimeoutException("Connect Timeout"));
        assertThat(Forwarder.describe(e)).isEqualTo("IllegalStateException: outer <- SocketTimeoutException: Connect Timeout");
    }
}
