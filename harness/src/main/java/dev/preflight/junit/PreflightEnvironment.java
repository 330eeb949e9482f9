package dev.preflight.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Hands a test a provisioned {@link dev.preflight.environment.Environment}, or one with its data
 * plane running ({@link dev.preflight.running.RunningEnvironment}): on a test class (for every such
 * parameter) or on one parameter. The environment is provisioned once per JVM and shared by every
 * test class that asks for the same name, and destroyed when the run ends.
 *
 * <pre>{@code
 * @PreflightEnvironment("staging")
 * class MyScenarioTest {
 *     @Test
 *     void apiIsUp(Environment env) { ... }
 * }
 * }</pre>
 *
 * With {@code copy = true} a {@code RunningEnvironment} parameter is the test's own copy, under a
 * project name of its own and with the test's {@link WithOverlay} changes, destroyed after the test.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.PARAMETER})
@ExtendWith(PreflightExtension.class)
public @interface PreflightEnvironment {
    /** The environment: the name of an overlay in the topology folder's environments/. */
    String value() default "dev";

    /** A private copy per test (for RunningEnvironment parameters), instead of the one shared per JVM. */
    boolean copy() default false;
}
