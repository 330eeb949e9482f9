package dev.preflight.junit;

import dev.preflight.check.Gate;
import dev.preflight.check.GateResult;
import dev.preflight.check.Verdict;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicTest;

/**
 * The gate's checks as JUnit dynamic tests, one per check and service, so that {@code mvn verify} runs
 * them and Surefire lists each: a failed check fails its test with the evidence and the fix, a skipped
 * one is reported skipped with its reason.
 *
 * <pre>{@code
 * class DeployGateTest {
 *     @TestFactory
 *     Stream<DynamicTest> gate() {
 *         return GateTests.of(Gate.of("dev"));
 *     }
 * }
 * }</pre>
 *
 * The gate runs once, when the factory is called; the tests then report its verdicts.
 */
public final class GateTests {
    private GateTests() {
    }

    public static Stream<DynamicTest> of(Gate gate) {
        GateResult result = gate.run();
        System.out.println(result.summary());
        if (result.problem() != null) {
            return Stream.of(DynamicTest.dynamicTest("preflight check could not run", () -> Assertions.fail(result.problem())));
        }
        return tests(result.verdicts());
    }

    static Stream<DynamicTest> tests(List<Verdict> verdicts) {
        return verdicts.stream().map(v -> DynamicTest.dynamicTest(v.check() + " " + v.service(), () -> {
            switch (v.outcome()) {
                case PASSED -> { }
                case SKIPPED -> Assumptions.abort(v.evidence());
                case FAILED, ERROR -> Assertions.fail(v.outcome() + ": " + v.evidence() + "\nfix: " + v.fix());
            }
        }));
    }
}
