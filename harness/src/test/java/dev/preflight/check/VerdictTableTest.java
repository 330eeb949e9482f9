package dev.preflight.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class VerdictTableTest {
    @Test
    void eachVerdictIsALineAndEachFailureShowsItsFixUnderIt() {
        String table = VerdictTable.render(List.of(
                Verdict.passed("cutover", "api", "0 failed"),
                Verdict.failed("bad-release", "frontend", "deploymentCircuitBreaker is off", "enable deploymentCircuitBreaker with rollback"),
                Verdict.skipped("scaling", "admin", "no autoscaling declared")));
        List<String> lines = table.lines().toList();
        assertThat(lines.get(0)).startsWith("check").contains("service").contains("verdict").contains("evidence");
        assertThat(lines.get(1)).matches("cutover\\s+api\\s+PASSED\\s+0 failed");
        assertThat(lines.get(2)).matches("bad-release\\s+frontend\\s+FAILED\\s+deploymentCircuitBreaker is off");
        assertThat(lines.get(3).trim()).isEqualTo("fix: enable deploymentCircuitBreaker with rollback");
        assertThat(lines.get(4)).matches("scaling\\s+admin\\s+SKIPPED\\s+no autoscaling declared");
    }

    @Test
    void theExitCodeIsOneForAFailureTwoForAnErrorAloneElseZero() {
        assertThat(GateResult.of(List.of(Verdict.passed("a", "s", "")), null, null, java.time.Duration.ZERO).exitCode()).isZero();
        assertThat(GateResult.of(List.of(Verdict.error("a", "s", "boom"), Verdict.failed("b", "s", "", "")), null, null,
                java.time.Duration.ZERO).exitCode()).isEqualTo(1);
        assertThat(GateResult.of(List.of(Verdict.error("a", "s", "boom"), Verdict.skipped("b", "s", "")), null, null,
                java.time.Duration.ZERO).exitCode()).isEqualTo(2);
    }
}
