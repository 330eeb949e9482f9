package dev.preflight.cli;

import dev.preflight.topology.TopologyDiff;
import dev.preflight.topology.TopologyLoader;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code preflight diff dev prod}: what differs between two environments, and what breaks their parity (exit 1). */
@Command(name = "diff", description = "Print what differs between two environments, attribute by attribute; exit 1 when a difference"
        + " breaks parity (anything beyond sizes and counts), 0 when they differ in sizes and counts only.")
final class DiffCommand implements Callable<Integer> {
    @Parameters(index = "0", description = "one environment, e.g. dev")
    String left;

    @Parameters(index = "1", description = "the other, e.g. prod")
    String right;

    @Option(names = "--topology", description = "topology folder (default: -Dpreflight.topology.dir, or preflight/ here)")
    Path topology;

    @Override
    public Integer call() {
        Path dir = PreflightCli.topologyDir(topology);
        TopologyLoader loader = new TopologyLoader();
        TopologyDiff diff = TopologyDiff.of(loader.load(dir, left), loader.load(dir, right));
        System.out.print(diff.render());
        return diff.parityBreaks().isEmpty() ? 0 : 1;
    }
}
