package dev.preflight.cli;

import dev.preflight.check.Gate;
import dev.preflight.check.GateResult;
import dev.preflight.check.VerdictTable;
import dev.preflight.topology.Overlay;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code preflight check}: the gate in a pipeline. Prints progress lines, the verdict table, a summary
 * and the report's path; exits 0 (safe to deploy), 1 (a check failed) or 2 (the check could not run).
 */
@Command(name = "check", description = "Say whether the proposed change can be deployed: provision the environment, deploy the baseline,"
        + " run the standard checks, print the verdicts and write the report. Exit 0 safe, 1 a check failed, 2 could not run.")
final class CheckCommand implements Callable<Integer> {
    @Option(names = "--env", defaultValue = "dev", description = "environment to check (default: ${DEFAULT-VALUE})")
    String environment;

    @picocli.CommandLine.Mixin
    TemplateOptions template;

    @Option(names = "--topology", description = "the proposed topology: a folder, a CloudFormation template or a cdk.out (default: -Dpreflight.topology.dir, or preflight/ here)")
    Path topology;

    @Option(names = "--baseline", paramLabel = "DIR|GIT-REF",
            description = "what runs now: its topology folder, or a git ref of the repository holding --topology (default: none; the"
                    + " cutover then goes from the proposed image to a new version of itself)")
    String baseline;

    @Option(names = "--baseline-build", paramLabel = "COMMAND",
            description = "with a git-ref --baseline: a shell command run at the root of its export before its images are built (the"
                    + " team's CI build, e.g. 'mvn -q package -DskipTests': what the Dockerfiles COPY and git does not hold)")
    String baselineBuild;

    @Option(names = "--report", description = "report folder (default: -Dpreflight.report.dir, or target/preflight-report)")
    Path report;

    @Option(names = "--overlay", paramLabel = "FILE", description = "a change laid over the proposed topology, in its YAML (repeatable)")
    List<Path> overlays = List.of();

    @Option(names = "--only", split = ",", paramLabel = "CHECK", description = "run only these checks: static, cutover, task-loss,"
            + " bad-release, scaling, rotation, task-role")
    List<String> only = List.of();

    @Option(names = "--skip", split = ",", paramLabel = "CHECK", description = "skip these checks")
    List<String> skip = List.of();

    @Option(names = "--service", split = ",", paramLabel = "SERVICE", description = "check only these services (default: all)")
    List<String> services = List.of();

    @Option(names = "--parallel", defaultValue = "3", description = "services checked at once (default: ${DEFAULT-VALUE})")
    int parallel;

    @Override
    public Integer call() {
        template.apply();
        Gate gate;
        try {
            gate = Gate.of(environment).withTopologyDir(topology).only(only).skip(skip).withParallelism(parallel).forServices(services);
        } catch (IllegalArgumentException e) {
            System.err.println("preflight: " + e.getMessage());
            return GateResult.COULD_NOT_RUN;
        }
        for (Path file : overlays) {
            try {
                gate = gate.withOverlay(Overlay.file(file));
            } catch (RuntimeException e) {
                System.err.println("preflight: " + e.getMessage());
                return GateResult.COULD_NOT_RUN;
            }
        }
        if (baselineBuild != null && baseline == null) {
            System.err.println("preflight: --baseline-build needs --baseline GIT-REF: it builds that ref's export");
            return GateResult.COULD_NOT_RUN;
        }
        if (baseline != null) {
            gate = gate.withBaseline(baseline, baselineBuild);
        }
        if (report != null) {
            gate = gate.withReportDir(report);
        }
        GateResult result = gate.run();
        if (result.problem() != null) {
            System.err.println("preflight: " + result.problem());
        }
        if (!result.verdicts().isEmpty()) {
            System.out.println();
            System.out.print(VerdictTable.render(result.verdicts()));
        }
        System.out.println();
        System.out.println(result.summary());
        if (result.page() != null) {
            System.out.println("gate page: " + result.page());
        }
        return result.exitCode();
    }
}
