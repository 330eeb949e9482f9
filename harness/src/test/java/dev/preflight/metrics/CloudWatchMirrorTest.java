package dev.preflight.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.aws.AwsClients;
import dev.preflight.engine.ExternalAwsEngine;
import dev.preflight.image.TestMotoServer;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.Dimension;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataResponse;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;

/**
 * Proof that the mirror's protocol works against moto: datapoints sent with PutMetricData through
 * the pinned CloudWatch module (Query protocol) are read back with GetMetricStatistics and
 * GetMetricData in the same protocol, under AWS's namespaces and dimensions.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CloudWatchMirrorTest {
    private static final MetricId CPU = AwsMetrics.ecsService("shop-dev-main", "shop-dev-api", AwsMetrics.CPU_UTILIZATION);
    private static final MetricId REQUESTS = AwsMetrics.targetGroup("app/shop-dev-web/50dc6c495c0c9188",
            "targetgroup/shop-dev-api/73e2d6bc24d8a067", AwsMetrics.REQUEST_COUNT_PER_TARGET);

    private TestMotoServer moto;
    private CloudWatchClient reader;

    @BeforeAll
    void startMoto() throws Exception {
        moto = TestMotoServer.start();
        reader = CloudWatchMirror.client(moto.aws());
    }

    @AfterAll
    void stopMoto() {
        reader.close();
        moto.close();
    }

    @Test
    void mirroredDatapointsAreReadBackWithGetMetricStatisticsAndGetMetricData() {
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        try (CloudWatchMirror mirror = CloudWatchMirror.to(moto.aws())) {
            for (int p = 0; p < 3; p++) {
                Instant at = start.plusSeconds(p);
                mirror.offer(CPU, new Datapoint(p, at, 10 + p * 10, AwsMetrics.PERCENT), true);
                mirror.offer(REQUESTS, new Datapoint(p, at, 40 + p, AwsMetrics.COUNT), true);
            }
            mirror.flush(Duration.ofSeconds(10));
            assertThat(mirror.published()).isEqualTo(6);
            assertThat(mirror.failed()).isZero();
        }

        List<software.amazon.awssdk.services.cloudwatch.model.Datapoint> cpu =
                CloudWatchMirror.read(reader, CPU, start.minusSeconds(1), start.plusSeconds(60), 60);
        assertThat(cpu).hasSize(1);
        assertThat(cpu.get(0).average()).isEqualTo(20.0);
        assertThat(cpu.get(0).sampleCount()).isEqualTo(3.0);

        List<software.amazon.awssdk.services.cloudwatch.model.Datapoint> perSecond =
                CloudWatchMirror.read(reader, REQUESTS, start, start.plusSeconds(3), 1);
        assertThat(perSecond).extracting(software.amazon.awssdk.services.cloudwatch.model.Datapoint::sum)
                .containsExactlyInAnyOrder(40.0, 41.0, 42.0);

        GetMetricDataResponse data = reader.getMetricData(r -> r.startTime(start.minusSeconds(1)).endTime(start.plusSeconds(60))
                .metricDataQueries(MetricDataQuery.builder().id("requests").metricStat(s -> s.stat("Sum").period(60)
                        .metric(m -> m.namespace(REQUESTS.namespace()).metricName(REQUESTS.name()).dimensions(
                                Dimension.builder().name("LoadBalancer").value("app/shop-dev-web/50dc6c495c0c9188").build(),
                                Dimension.builder().name("TargetGroup").value("targetgroup/shop-dev-api/73e2d6bc24d8a067").build())))
                        .build()));
        assertThat(data.metricDataResults()).hasSize(1);
        assertThat(data.metricDataResults().get(0).values()).containsExactly(123.0);
    }

    @Test
    void anEngineThatIsGoneCostsCountedFailuresNeverTheCaller() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        try (AwsClients nowhere = new AwsClients(new ExternalAwsEngine(URI.create("http://127.0.0.1:" + port)), "us-east-1");
             CloudWatchMirror mirror = CloudWatchMirror.to(nowhere)) {
            long before = System.nanoTime();
            for (int p = 0; p < 1000; p++) {
                mirror.offer(CPU, new Datapoint(p, Instant.now(), 1, AwsMetrics.PERCENT), true);
            }
            assertThat(Duration.ofNanos(System.nanoTime() - before)).as("offering never waits for the engine").isLessThan(Duration.ofSeconds(1));
            mirror.flush(Duration.ofSeconds(20));
            assertThat(mirror.failed()).as("datapoints of the failed batches").isEqualTo(1000);
            assertThat(mirror.published()).isZero();
        }
    }
}
