package dev.preflight.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Hands a test a provisioned {@link dev.preflight.environment.Environment}: on a test class (for
 * every Environment parameter) or on one parameter. The environment is provisioned once per JVM
 * and shared by every test class that asks for the same name.
 *
 * <pre>{@code
 * @PreflightEnvironment("staging")
 * class MyScenarioTest {
 *     @Test
 *     void apiIsUp(Environment env) { ... }
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.PARAMETER})
@ExtendWith(PreflightExtension.class)
public @interface PreflightEnvironment {
    /** The environment: the name of an overlay in fixtures/topology/environments. */
    String value() default "dev";
}
