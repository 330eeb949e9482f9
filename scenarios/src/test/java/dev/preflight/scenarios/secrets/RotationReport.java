package dev.preflight.scenarios.secrets;

import dev.preflight.ecs.ServiceTimeline;
import dev.preflight.report.ScenarioReport;
import dev.preflight.secrets.SecretTimeline;
import dev.preflight.traffic.LoadRun;

/** The page every rotation scenario writes, also when it fails: requests, tasks, secret versions, verdict. */
final class RotationReport {
    private RotationReport() {
    }

    static void write(ScenarioReport report, LoadRun load, ServiceTimeline tasks, SecretTimeline secrets, boolean passed, String verdict) {
        report.requests(load);
        tasks.addTo(report);
        secrets.addTo(report);
        report.verdict(passed, verdict).write(ScenarioReport.defaultDir());
    }
}
