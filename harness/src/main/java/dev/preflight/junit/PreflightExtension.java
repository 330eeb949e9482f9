package dev.preflight.junit;

import dev.preflight.engine.Engines;
import dev.preflight.environment.Environment;
import dev.preflight.environment.TopologyLocator;
import dev.preflight.topology.Topology;
import dev.preflight.topology.TopologyLoader;
import java.util.Optional;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Starts the engines once per JVM and provisions each environment once, keeping both in JUnit's
 * root store so JUnit closes them when the run ends (environments first, then the engines).
 * Resolves parameters of type {@link Environment}, {@link Environments} and {@link Engines}, and records which engines
 * were used in the test report.
 */
public final class PreflightExtension implements BeforeAllCallback, ParameterResolver {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(PreflightExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        Engines engines = engines(context);
        context.publishReportEntry("preflight.engines", engines.kind().id() + ": " + String.join("; ", engines.describe()));
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext extension) {
        Class<?> type = parameter.getParameter().getType();
        return type == Environment.class || type == Engines.class || type == Environments.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext extension) {
        if (parameter.getParameter().getType() == Engines.class) {
            return engines(extension);
        }
        if (parameter.getParameter().getType() == Environments.class) {
            return (Environments) name -> environment(extension, name);
        }
        String name = parameter.findAnnotation(PreflightEnvironment.class).map(PreflightEnvironment::value)
                .or(() -> classAnnotation(extension))
                .orElse("dev");
        return environment(extension, name);
    }

    private static Optional<String> classAnnotation(ExtensionContext context) {
        return context.getTestClass()
                .flatMap(c -> AnnotationSupport.findAnnotation(c, PreflightEnvironment.class))
                .map(PreflightEnvironment::value);
    }

    static Engines engines(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).computeIfAbsent("engines", k -> Engines.shared(), Engines.class);
    }

    static Environment environment(ExtensionContext context, String name) {
        Engines engines = engines(context);
        return context.getRoot().getStore(NAMESPACE).computeIfAbsent("environment:" + name, k -> {
            Topology topology = new TopologyLoader().load(TopologyLocator.topologyDir(), name);
            System.out.println("preflight: provisioning " + name + " (" + engines.kind().id() + " engines)");
            return Environment.provision(topology, engines, System.out);
        }, Environment.class);
    }
}
