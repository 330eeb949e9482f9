package dev.preflight.ecs;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The threshold formula and counting rules of docs/aws-behaviour.md section 2. */
class CircuitBreakerTest {

    @Test
    void thresholdIsHalfTheDesiredCountClampedBetweenTheMinimumAnd200() {
        assertThat(CircuitBreaker.threshold(1, 3)).isEqualTo(3);
        assertThat(CircuitBreaker.threshold(1, 10)).as("under the 2023 guide's minimum").isEqualTo(10);
        assertThat(CircuitBreaker.threshold(25, 3)).isEqualTo(13);
        assertThat(CircuitBreaker.threshold(400, 3)).isEqualTo(200);
        assertThat(CircuitBreaker.threshold(800, 3)).isEqualTo(200);
    }

    @Test
    void tripsAtTheThresholdAndAHealthyTaskResetsTheCount() {
        CircuitBreaker breaker = new CircuitBreaker(true, true, 3);
        breaker.taskFailed();
        breaker.taskFailed();
        breaker.taskHealthy();
        breaker.taskFailed();
        breaker.taskFailed();
        assertThat(breaker.tripped(2)).isFalse();
        breaker.taskFailed();
        assertThat(breaker.tripped(2)).isTrue();
        assertThat(breaker.totalFailures()).as("failedTasks keeps counting").isEqualTo(5);
    }

    @Test
    void aDisabledBreakerNeverTrips() {
        CircuitBreaker breaker = new CircuitBreaker(false, false, 3);
        for (int i = 0; i < 10; i++) {
            breaker.taskFailed();
        }
        assertThat(breaker.tripped(1)).isFalse();
    }
}
