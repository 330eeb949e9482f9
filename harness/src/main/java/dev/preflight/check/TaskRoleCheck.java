package dev.preflight.check;

import dev.preflight.iam.TaskRoleReport;
import dev.preflight.topology.EcsService;
import dev.preflight.topology.Topology;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Least privilege at run time, judged on the whole check run: every AWS call a service's tasks made
 * with their task role's credentials (through its cutover, task loss, bad release, scaling and
 * rotation loads) was judged against the role's policies. A call the role does not allow fails the
 * service: on AWS that call fails with AccessDenied after the deploy. The grants no call used are
 * listed in the evidence, a passing verdict's too.
 */
final class TaskRoleCheck {
    static final String NAME = "task-role";

    private TaskRoleCheck() {
    }

    static Verdict of(Topology topology, String service, TaskRoleReport report) {
        EcsService s = topology.ecs().services().get(service);
        if (s.taskRole() == null) {
            return Verdict.passed(NAME, service, "no task role: its tasks get no AWS credentials, as on ECS");
        }
        String role = topology.naming().of(s.taskRole());
        TaskRoleReport.RoleUse use = report.roles().stream().filter(r -> r.role().equals(role)).findFirst().orElse(null);
        if (use == null) {
            return Verdict.skipped(NAME, service, "no task of " + service + " ran with role " + s.taskRole()
                    + " as a process (tasks in containers get the engine's keys, and their calls are not judged)");
        }
        String unused = use.unused().isEmpty() ? "" : "; granted, never used in this run: "
                + use.unused().stream().map(TaskRoleReport.Grant::describe).collect(Collectors.joining("; "));
        if (use.denied().isEmpty()) {
            int calls = use.used().stream().mapToInt(TaskRoleReport.Grant::calls).sum();
            return Verdict.passed(NAME, service, (calls == 0 ? "its tasks made no AWS call with role " + s.taskRole()
                    : calls + " AWS calls with role " + s.taskRole() + ", every one allowed") + unused);
        }
        List<String> denied = new ArrayList<>();
        use.denied().forEach(d -> denied.add(d.call() + " (" + d.calls() + " calls: " + d.reason() + ")"));
        return Verdict.failed(NAME, service, "role " + s.taskRole() + " does not allow what " + service + "'s tasks call: "
                        + String.join("; ", denied) + unused,
                "grant " + s.taskRole() + " exactly these actions on these resources (for S3, 's3:<bucket>' for bucket actions such as"
                        + " s3:ListBucket, 's3:<bucket>/*' for object actions), or remove the calls: on AWS each fails with AccessDenied"
                        + " once the release is out");
    }
}
