package dev.preflight.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A change laid over a test's private copy of its environment ({@code @PreflightEnvironment(copy =
 * true)}), in the topology's own YAML, merged and validated like the environment's overlay: the
 * test's deliberate misconfiguration. On the test method or its class (the class's come first).
 *
 * <pre>{@code
 * @Test
 * @WithOverlay("loadBalancer: {targetGroups: {api: {deregistrationDelaySeconds: 0}}}")
 * void noDrainIsCaught(@PreflightEnvironment(copy = true) RunningEnvironment env) { ... }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Repeatable(WithOverlay.List.class)
public @interface WithOverlay {
    /** The YAML. */
    String value();

    /** Several overlays, in order. */
    @Documented
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ElementType.TYPE, ElementType.METHOD})
    @interface List {
        WithOverlay[] value();
    }
}
