package dev.preflight.cli;

import dev.preflight.check.StaticRules;
import dev.preflight.check.Verdict;
import dev.preflight.check.VerdictTable;
import dev.preflight.engine.ProcessLedger;
import dev.preflight.environment.TopologyLocator;
import dev.preflight.topology.Topology;
import dev.preflight.topology.TopologyException;
import dev.preflight.topology.TopologyLoader;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The small command line behind {@code make up}, {@code make deploy} and {@code make down}. */
@Command(name = "preflight", mixinStandardHelpOptions = true,
        description = "Test an AWS application environment on one machine.",
        subcommands = {UpCommand.class, DeployCommand.class, CheckCommand.class, PlanCommand.class, ApplyCommand.class, DiffCommand.class, FaultCommand.class, PreflightCli.Validate.class, PreflightCli.Down.class,
                PreflightCli.Report.class})
public final class PreflightCli {

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs one command and returns its exit code. */
    public static int execute(String... args) {
        CommandLine cli = new CommandLine(new PreflightCli());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            // Topology and engine errors already say what to do: print them without a stack trace.
            commandLine.getErr().println("preflight: " + e.getMessage());
            return e instanceof TopologyException ? 2 : 1;
        });
        return cli.execute(args);
    }

    static Path topologyDir(Path given) {
        return given != null ? given : TopologyLocator.topologyDir();
    }

    @Command(name = "validate", description = "Validate the topology of one or every environment and judge it by AWS's static rules"
            + " (exit 1 when one is broken); creates nothing.")
    static final class Validate implements Callable<Integer> {
        @Option(names = "--env", description = "environment (default: all)")
        String environment;

        @Option(names = "--topology", description = "topology folder, CloudFormation template or cdk.out (default: -Dpreflight.topology.dir, or preflight/ here)")
        Path topology;

        @picocli.CommandLine.Mixin
        TemplateOptions template;

        @Override
        public Integer call() {
            template.apply();
            Path dir = topologyDir(topology);
            List<String> names = environment != null ? List.of(environment) : TopologyLoader.environments(dir);
            int exit = 0;
            for (String name : names) {
                Topology topology = new TopologyLoader().load(dir, name);
                List<Verdict> broken = StaticRules.ofTopology(topology).stream().filter(Verdict::failed).toList();
                if (broken.isEmpty()) {
                    System.out.println("preflight: " + name + " is valid and follows AWS's rules for deploys");
                } else {
                    // Valid for AWS, which would accept it, but a deploy of it would drop requests or stall.
                    System.out.println("preflight: " + name + " is valid, but breaks " + broken.size() + " of AWS's rules for deploys:");
                    System.out.print(VerdictTable.render(broken));
                    exit = 1;
                }
            }
            return exit;
        }
    }

    @Command(name = "down", description = "Stop processes and remove folders left by runs that were killed.")
    static final class Down implements Callable<Integer> {
        @Override
        public Integer call() {
            int stopped = ProcessLedger.standard().reapOrphans();
            System.out.println("preflight: stopped " + stopped + " process(es) left by earlier runs");
            return 0;
        }
    }

    @Command(name = "report", description = "Print how many scenarios of a report folder passed, failed and were caught as intended, and where its index is.")
    static final class Report implements Callable<Integer> {
        @Option(names = "--dir", description = "report folder (default: -Dpreflight.report.dir, or target/preflight-report)")
        Path dir;

        @Override
        public Integer call() {
            System.out.println("preflight: " + dev.preflight.report.ScenarioReport.summarize(dir != null ? dir : dev.preflight.report.ScenarioReport.defaultDir()));
            return 0;
        }
    }
}
