package dev.preflight.cli;

import dev.preflight.engine.ProcessLedger;
import dev.preflight.environment.TopologyLocator;
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
        subcommands = {UpCommand.class, DeployCommand.class, PreflightCli.Validate.class, PreflightCli.Down.class})
public final class PreflightCli {

    public static void main(String[] args) {
        CommandLine cli = new CommandLine(new PreflightCli());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            // Topology and engine errors already say what to do: print them without a stack trace.
            commandLine.getErr().println("preflight: " + e.getMessage());
            return e instanceof TopologyException ? 2 : 1;
        });
        System.exit(cli.execute(args));
    }

    static Path topologyDir(Path given) {
        return given != null ? given : TopologyLocator.topologyDir();
    }

    @Command(name = "validate", description = "Validate the topology of one or every environment; creates nothing.")
    static final class Validate implements Callable<Integer> {
        @Option(names = "--env", description = "environment (default: all)")
        String environment;

        @Option(names = "--topology", description = "topology folder (default: -Dpreflight.topology.dir, or preflight/ here)")
        Path topology;

        @Override
        public Integer call() {
            Path dir = topologyDir(topology);
            List<String> names = environment != null ? List.of(environment) : TopologyLoader.environments(dir);
            for (String name : names) {
                new TopologyLoader().load(dir, name);
                System.out.println("preflight: " + name + " is valid");
            }
            return 0;
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
}
