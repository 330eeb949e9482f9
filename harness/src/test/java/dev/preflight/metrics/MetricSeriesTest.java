package dev.preflight.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;

class MetricSeriesTest {
    private static final MetricId ID = AwsMetrics.ecsService("shop-dev-main", "shop-dev-api", AwsMetrics.CPU_UTILIZATION);

    private static Datapoint point(long period, double value) {
        return new Datapoint(period, Instant.EPOCH.plusSeconds(period), value, AwsMetrics.PERCENT);
    }

    @Test
    void aWindowHasOneSlotPerPeriodAndMissingPeriodsAreEmpty() {
        MetricSeries series = new MetricSeries(ID, 100);
        series.add(point(1, 10));
        series.add(point(2, 20));
        series.add(point(4, 40));
        assertThat(series.window(4, 4)).containsExactly(OptionalDouble.of(10), OptionalDouble.of(20), OptionalDouble.empty(),
                OptionalDouble.of(40));
        assertThat(series.window(6, 2)).containsExactly(OptionalDouble.empty(), OptionalDouble.empty());
        assertThat(series.latest()).hasValue(point(4, 40));
    }

    @Test
    void aPeriodRecordedAgainIsReplacedAndOldPeriodsAreRefused() {
        MetricSeries series = new MetricSeries(ID, 100);
        series.add(point(1, 10));
        series.add(point(1, 11));
        assertThat(series.all()).containsExactly(point(1, 11));
        assertThatThrownBy(() -> series.add(point(0, 1))).hasMessageContaining("period 0 after period 1");
    }

    @Test
    void onlyTheNewestRetentionPeriodsAreKept() {
        MetricSeries series = new MetricSeries(ID, 3);
        for (int p = 0; p < 10; p++) {
            series.add(point(p, p));
        }
        assertThat(series.all()).extracting(Datapoint::period).containsExactly(7L, 8L, 9L);
    }

    @Test
    void metricIdsReadAsAwsNamesThem() {
        assertThat(ID.toString()).isEqualTo("AWS/ECS CPUUtilization{ClusterName=shop-dev-main, ServiceName=shop-dev-api}");
        assertThat(AwsMetrics.loadBalancerDimension("arn:aws:elasticloadbalancing:eu-west-1:123456789012:loadbalancer/app/shop-dev-web/50dc6c495c0c9188"))
                .isEqualTo("app/shop-dev-web/50dc6c495c0c9188");
        assertThat(AwsMetrics.targetGroupDimension("arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/shop-dev-api/73e2d6bc24d8a067"))
                .isEqualTo("targetgroup/shop-dev-api/73e2d6bc24d8a067");
        assertThat(AwsMetrics.splitResourceLabel("app/shop-dev-web/50dc/targetgroup/shop-dev-api/73e2"))
                .containsExactly("app/shop-dev-web/50dc", "targetgroup/shop-dev-api/73e2");
    }
}
