package com.example.greeter;

import dev.preflight.check.Gate;
import dev.preflight.junit.GateTests;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The gate before a real deploy: `preflight check` on the greeter's dev (preflight/), run by
 * `mvn verify`. Surefire lists one test per check and service; a failed check fails the build with
 * its evidence and fix, and the report (target/preflight-report) has the verdict table and timelines.
 */
class GreeterGateTest {
    @TestFactory
    Stream<DynamicTest> theGreeterIsSafeToDeploy() {
        return GateTests.of(Gate.of("dev"));
    }
}
