package dev.preflight.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import dev.preflight.time.TimeScale;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LoadProfileTest {

    @Test
    void aShapeInAwsTimeKeepsItsRealRateAndRunsOnTheCompressedClock() {
        LoadProfile spike = LoadProfile.ofAwsTime(25, Duration.ofMinutes(2), new TimeScale(60));

        assertThat(spike.duration()).isEqualTo(Duration.ofSeconds(2));
        assertThat(spike.requestsPerSecond()).as("a rate is real").isEqualTo(25);
        assertThat(spike.totalRequests()).isEqualTo(50);
        assertThat(LoadProfile.ofAwsTime(25, Duration.ofMinutes(2), TimeScale.realTime()).duration()).isEqualTo(Duration.ofMinutes(2));
    }
}
