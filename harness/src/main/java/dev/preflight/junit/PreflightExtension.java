package dev.preflight.junit;

import dev.preflight.ecs.RuntimeOptions;
import dev.preflight.engine.Engines;
import dev.preflight.environment.DeclaredEngineVersions;
import dev.preflight.environment.Environment;
import dev.preflight.environment.TopologyLocator;
import dev.preflight.running.RunningEnvironment;
import dev.preflight.topology.Topology;
import dev.preflight.topology.TopologyLoader;
import java.lang.reflect.AnnotatedElement;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import dev.preflight.engine.DockerAvailability;
import dev.preflight.engine.EngineKind;
import dev.preflight.engine.EngineSettings;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Starts the engines once per JVM and provisions each environment once, keeping both in JUnit's
 * root store so JUnit closes them when the run ends (environments first, destroyed, then the
 * engines). Resolves parameters of type {@link Environment}, {@link RunningEnvironment},
 * {@link Environments} and {@link Engines}, and records which engines were used in the test report.
 * A {@code @PreflightEnvironment(copy = true) RunningEnvironment} is the test's own, in the test's
 * store, so JUnit destroys it after the test.
 */
public final class PreflightExtension implements BeforeAllCallback, ParameterResolver, ExecutionCondition {
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(PreflightExtension.class);
    /**
     * With {@code -Dpreflight.skipWithoutDocker=true}, tests on the containers engines are skipped (with the
     * reason) where no Docker engine answers, instead of failing: for a build that runs them where it can.
     */
    public static final String SKIP_WITHOUT_DOCKER_PROPERTY = "preflight.skipWithoutDocker";

    @Override
    public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
        if (Boolean.getBoolean(SKIP_WITHOUT_DOCKER_PROPERTY) && EngineSettings.fromSystem().kind() == EngineKind.CONTAINERS
                && !DockerAvailability.isAvailable()) {
            return ConditionEvaluationResult.disabled(DockerAvailability.REASON);
        }
        return ConditionEvaluationResult.enabled("the engines can run here");
    }

    /** A shared environment in the root store: destroyed, not only closed, when the run ends. */
    private record Provisioned(Environment environment) implements AutoCloseable {
        @Override
        public void close() {
            try {
                environment.destroy();
            } finally {
                environment.close();
            }
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        Engines engines = engines(context);
        context.publishReportEntry("preflight.engines", engines.kind().id() + ": " + String.join("; ", engines.describe()));
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext extension) {
        Class<?> type = parameter.getParameter().getType();
        return type == Environment.class || type == RunningEnvironment.class || type == Engines.class || type == Environments.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext extension) {
        Class<?> type = parameter.getParameter().getType();
        if (type == Engines.class) {
            return engines(extension);
        }
        if (type == Environments.class) {
            return (Environments) name -> environment(extension, name);
        }
        Optional<PreflightEnvironment> annotation = parameter.findAnnotation(PreflightEnvironment.class).or(() -> classAnnotation(extension));
        String name = annotation.map(PreflightEnvironment::value).orElse("dev");
        boolean copy = annotation.map(PreflightEnvironment::copy).orElse(false);
        if (type == Environment.class) {
            if (copy) {
                throw new ParameterResolutionException("@PreflightEnvironment(copy = true) is for RunningEnvironment parameters;"
                        + " an Environment parameter is the shared one. Fix: ask for a RunningEnvironment");
            }
            return environment(extension, name);
        }
        return copy ? privateCopy(extension, name) : running(extension, name);
    }

    private static Optional<PreflightEnvironment> classAnnotation(ExtensionContext context) {
        return context.getTestClass().flatMap(c -> AnnotationSupport.findAnnotation(c, PreflightEnvironment.class));
    }

    static Engines engines(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).computeIfAbsent("engines", k -> Engines.shared(DeclaredEngineVersions.ofLocatedTopology()), Engines.class);
    }

    static Environment environment(ExtensionContext context, String name) {
        Engines engines = engines(context);
        return context.getRoot().getStore(NAMESPACE).computeIfAbsent("environment:" + name, k -> {
            Topology topology = new TopologyLoader().load(TopologyLocator.topologyDir(), name);
            System.out.println("preflight: provisioning " + name + " (" + engines.kind().id() + " engines)");
            return new Provisioned(Environment.provision(topology, engines, System.out));
        }, Provisioned.class).environment();
    }

    /** The shared environment with its data plane, started once per JVM (and stopped before it is destroyed). */
    private static RunningEnvironment running(ExtensionContext context, String name) {
        Environment environment = environment(context, name);
        return context.getRoot().getStore(NAMESPACE).computeIfAbsent("running:" + name,
                k -> RunningEnvironment.on(environment, RuntimeOptions.defaults()), RunningEnvironment.class);
    }

    private static RunningEnvironment privateCopy(ExtensionContext context, String name) {
        Engines engines = engines(context);
        return context.getStore(NAMESPACE).computeIfAbsent("copy:" + name, k -> {
            RunningEnvironment.Definition definition = RunningEnvironment.of(name).withProject(projectFor(context));
            for (WithOverlay overlay : overlays(context)) {
                definition = definition.withOverlay(overlay.value());
            }
            return definition.start(engines);
        }, RunningEnvironment.class);
    }

    /** The class's overlays, then the method's. */
    private static List<WithOverlay> overlays(ExtensionContext context) {
        List<WithOverlay> overlays = new ArrayList<>();
        List<AnnotatedElement> elements = new ArrayList<>();
        context.getTestClass().ifPresent(elements::add);
        context.getTestMethod().ifPresent(elements::add);
        for (AnnotatedElement element : elements) {
            overlays.addAll(AnnotationSupport.findRepeatableAnnotations(element, WithOverlay.class));
        }
        return overlays;
    }

    /** A short project name of the test's own, so its AWS names stay within AWS's limits: t + 8 hex digits. */
    static String projectFor(ExtensionContext context) {
        String id = context.getUniqueId();
        return "t" + HexFormat.of().toHexDigits(id.hashCode());
    }
}
