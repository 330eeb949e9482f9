package dev.preflight.front;

import dev.preflight.alb.Target;
import dev.preflight.alb.TargetGroupRuntime;
import dev.preflight.alb.TargetHealth;
import dev.preflight.alb.TargetState;
import dev.preflight.ecs.EcsRuntime;
import dev.preflight.ecs.EcsTask;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * ELBv2 calls answered from the runtime's load balancer, in AWS's Query XML: DescribeTargetHealth
 * of the target groups the runtime runs. Targets are named as the engine knows them (the task's
 * private IP and port, as TargetMirror registers them); their state, reason code and description are
 * the runtime's ({@link TargetGroupRuntime#health()}). Any other call, and target groups the runtime
 * does not run, go to the engine unchanged.
 */
final class ElbAnswers {
    static final String NAMESPACE = "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/";

    /** One TargetHealthDescription. */
    record TargetDescription(String id, int port, String healthCheckPort, TargetHealth health) {
    }

    private final EcsRuntime runtime;
    private final Map<String, TargetGroupRuntime> groupsByArn = new LinkedHashMap<>();

    ElbAnswers(EcsRuntime runtime) {
        this.runtime = runtime;
        if (runtime.loadBalancer() != null) {
            for (TargetGroupRuntime group : runtime.loadBalancer().targetGroups()) {
                runtime.environment().outputs().get("targetGroup", group.name()).ifPresent(arn -> groupsByArn.put(arn, group));
            }
        }
    }

    HttpAnswer answer(Map<String, String> parameters, EngineCall engine, byte[] body) {
        if ("DescribeTargetHealth".equals(parameters.get("Action"))) {
            TargetGroupRuntime group = groupsByArn.get(parameters.get("TargetGroupArn"));
            if (group != null) {
                List<TargetDescription> targets;
                try {
                    targets = describe(group, parameters);
                } catch (NumberFormatException e) {
                    return engine.send(body); // a malformed port: the engine words the error
                }
                String requestId = HttpAnswer.newRequestId();
                return HttpAnswer.own(200, HttpAnswer.XML, describeTargetHealth(targets, requestId), requestId);
            }
        }
        return engine.send(body);
    }

    /** Every registered target (draining ones too), or only those the request names (unused if not registered). */
    private List<TargetDescription> describe(TargetGroupRuntime group, Map<String, String> parameters) {
        Map<String, TargetHealth> health = group.health();
        List<TargetDescription> registered = new ArrayList<>();
        for (Target target : group.targets()) {
            TargetHealth h = health.get(target.id());
            if (h == null) {
                continue; // gone meanwhile
            }
            String id = task(target.id()).map(EcsTask::privateIp).orElse(target.host());
            registered.add(new TargetDescription(id, target.port(), String.valueOf(target.port()), h));
        }
        List<TargetDescription> asked = new ArrayList<>();
        for (int n = 1; parameters.containsKey("Targets.member." + n + ".Id"); n++) {
            String id = parameters.get("Targets.member." + n + ".Id");
            String port = parameters.get("Targets.member." + n + ".Port");
            List<TargetDescription> matches = registered.stream()
                    .filter(d -> d.id().equals(id) && (port == null || port.equals(String.valueOf(d.port())))).toList();
            if (matches.isEmpty()) {
                int p = port == null ? group.config().port() : Integer.parseInt(port);
                asked.add(new TargetDescription(id, p, String.valueOf(p), new TargetHealth(TargetState.UNUSED,
                        "Target.NotRegistered", "Target is not registered to the target group")));
            } else {
                asked.addAll(matches);
            }
        }
        return parameters.containsKey("Targets.member.1.Id") ? asked : registered;
    }

    private Optional<EcsTask> task(String taskId) {
        return runtime.services().stream().flatMap(s -> s.tasks().stream()).filter(t -> t.taskId().equals(taskId)).findFirst();
    }

    /** AWS's DescribeTargetHealthResponse. */
    static String describeTargetHealth(List<TargetDescription> targets, String requestId) {
        StringBuilder xml = new StringBuilder("<DescribeTargetHealthResponse xmlns=\"").append(NAMESPACE).append("\">")
                .append("<DescribeTargetHealthResult><TargetHealthDescriptions>");
        for (TargetDescription target : targets) {
            xml.append("<member><Target><Id>").append(escape(target.id())).append("</Id><Port>").append(target.port())
                    .append("</Port></Target><HealthCheckPort>").append(escape(target.healthCheckPort()))
                    .append("</HealthCheckPort><TargetHealth><State>").append(target.health().state().asAws()).append("</State>");
            if (target.health().reason() != null) {
                xml.append("<Reason>").append(escape(target.health().reason())).append("</Reason>");
            }
            if (target.health().description() != null) {
                xml.append("<Description>").append(escape(target.health().description())).append("</Description>");
            }
            xml.append("</TargetHealth></member>");
        }
        return xml.append("</TargetHealthDescriptions></DescribeTargetHealthResult><ResponseMetadata><RequestId>")
                .append(escape(requestId)).append("</RequestId></ResponseMetadata></DescribeTargetHealthResponse>").toString();
    }

    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (char c : text.toCharArray()) {
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&apos;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
