package dev.preflight.topology;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks a bound topology before anything is created: references, names, CIDRs, ranges. Each
 * problem names the file, the path and the fix.
 */
final class TopologyValidator {
    private final Topology topology;
    private final SourceMap sources;
    private final List<TopologyException.Problem> problems = new ArrayList<>();

    TopologyValidator(Topology topology, SourceMap sources) {
        this.topology = topology;
        this.sources = sources;
    }

    List<TopologyException.Problem> validate() {
        required(topology.project(), "project", "name the project, e.g. 'project: shop'");
        required(topology.region(), "region", "name the AWS region, e.g. 'region: eu-west-1'");
        return problems;
    }

    private void required(Object value, String path, String fix) {
        if (value == null) {
            problem(path, "is missing", fix);
        }
    }

    private void problem(String path, String message, String fix) {
        problems.add(new TopologyException.Problem(sources.fileFor(path), path, message, fix));
    }
}
