package dev.preflight.junit;

import dev.preflight.environment.Environment;

/**
 * Provisioned environments by name, shared per JVM; for tests that need several (e.g. one
 * parameterized over dev, staging and prod). Inject it as a test parameter.
 */
@FunctionalInterface
public interface Environments {
    Environment get(String name);
}
