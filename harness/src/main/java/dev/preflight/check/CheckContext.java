package dev.preflight.check;

import dev.preflight.report.ScenarioReport;
import dev.preflight.running.RunningEnvironment;
import dev.preflight.topology.EcsService;
import dev.preflight.topology.Topology;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * What every check of one gate run shares: the running environment, the proposed topology (what the
 * environment runs once a baseline's infrastructure change is applied), the release labels, what the
 * checks measured, where progress lines and report pages go.
 */
final class CheckContext {
    /** The version label of the deploy each service runs before the checks, with a baseline given. */
    static final String BASELINE = "baseline";
    /** ... and without one: the proposed image, deployed a first time. */
    static final String CURRENT = "current";
    /** The version label of the proposed image, deployed by the cutover. */
    static final String PROPOSED = "proposed";

    private final RunningEnvironment env;
    private final Topology topology;
    private final Map<String, Map<String, String>> imageEnv;
    private final Measurements measured = new Measurements();
    private final PrintStream progress;
    private final Path reportDir;
    private final Instant start = Instant.now();
    private final String firstVersion;

    /** The infrastructure apply's outcome per service, when a baseline's change was applied mid-run. */
    private final Map<String, InfrastructureApply.Outcome> applied = new java.util.concurrent.ConcurrentHashMap<>();

    CheckContext(RunningEnvironment env, Topology proposed, boolean hasBaseline, Map<String, Map<String, String>> imageEnv, PrintStream progress,
                 Path reportDir) {
        this.firstVersion = hasBaseline ? BASELINE : CURRENT;
        this.env = env;
        this.topology = proposed;
        this.imageEnv = imageEnv;
        this.progress = progress;
        this.reportDir = reportDir;
    }

    RunningEnvironment env() {
        return env;
    }

    /** What each service runs before the cutover: {@link #BASELINE} or {@link #CURRENT}. */
    String firstVersion() {
        return firstVersion;
    }

    Topology topology() {
        return topology;
    }

    EcsService service(String name) {
        return topology.ecs().services().get(name);
    }

    /** The proposed release's image ENV for a service (empty unless a gate definition gives one). */
    Map<String, String> imageEnv(String service) {
        return imageEnv.getOrDefault(service, Map.of());
    }

    void applied(Map<String, InfrastructureApply.Outcome> outcomes) {
        applied.putAll(outcomes);
    }

    /** What the mid-run apply did to the service, if there was one. */
    java.util.Optional<InfrastructureApply.Outcome> applied(String service) {
        return java.util.Optional.ofNullable(applied.get(service));
    }

    Measurements measured() {
        return measured;
    }

    Path reportDir() {
        return reportDir;
    }

    /** The title of a check's page, e.g. "check cutover: api (dev)". */
    String pageTitle(String check, String service) {
        return "check " + check + ": " + service + " (" + topology.environment() + ")";
    }

    /** Ends a check's page with the fix and the verdict, writes it to the report folder and returns its file name. */
    String writePage(ScenarioReport report, Verdict verdict) {
        report.section("Fix", verdict.fix().isEmpty() ? "(none needed)" : verdict.fix())
                .verdict(!verdict.failed(), verdict.outcome() + ": " + verdict.evidence());
        return report.write(reportDir).getFileName().toString();
    }

    /** One progress line, e.g. "  [  42 s] cutover api: deploying proposed under 20 requests/s". */
    void progress(String check, String service, String line) {
        long seconds = Duration.between(start, Instant.now()).toSeconds();
        synchronized (progress) {
            progress.printf("  [%4d s] %s %s: %s%n", seconds, check, service, line);
            progress.flush();
        }
    }
}
