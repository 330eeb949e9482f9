package dev.preflight.front;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.preflight.ecs.Deployment;
import dev.preflight.ecs.EcsRuntime;
import dev.preflight.ecs.EcsTask;
import dev.preflight.ecs.ServiceScheduler;
import dev.preflight.runtime.RunningTask;
import dev.preflight.topology.EcsService;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;
import software.amazon.awssdk.services.ecs.model.TaskDefinition;

/**
 * ECS calls answered from the runtime, in ECS's JSON 1.1: DescribeServices (the engine's records
 * with the runtime's counts, deployments and events), ListTasks and DescribeTasks (the runtime's
 * tasks), and UpdateService (passed to the engine, then acted on by the runtime before the caller
 * gets the engine's answer, as ECS creates the deployment within the call; the service record in
 * it is put right as DescribeServices' is). Other clusters, and
 * services the runtime does not run, go to the engine unchanged.
 */
final class EcsAnswers {
    static final String TARGET_PREFIX = "AmazonEC2ContainerServiceV20141113.";
    static final Set<String> OPERATIONS = Set.of("DescribeServices", "ListTasks", "DescribeTasks", "UpdateService");
    private static final Logger LOG = LoggerFactory.getLogger(EcsAnswers.class);
    private static final int MAX_LIST_RESULTS = 100;
    private static final Comparator<EcsTask> LIST_ORDER = Comparator.comparing(EcsTask::createdAt).thenComparing(EcsTask::taskArn);

    private final EcsRuntime runtime;
    private final Map<String, TaskDefinition> definitions = new ConcurrentHashMap<>();

    EcsAnswers(EcsRuntime runtime) {
        this.runtime = runtime;
    }

    HttpAnswer answer(String operation, byte[] body, EngineCall engine) {
        JsonNode request = EcsJson.parse(body);
        if (request == null) {
            return engine.send(body); // not JSON: the engine words the error
        }
        return switch (operation) {
            case "DescribeServices" -> describeServices(engine.send(body));
            case "ListTasks" -> listTasks(request, body, engine);
            case "DescribeTasks" -> describeTasks(request, body, engine);
            case "UpdateService" -> updateService(engine.send(body));
            default -> engine.send(body);
        };
    }

    // ---- DescribeServices ---------------------------------------------------------------------

    /** The engine's service records, with what the runtime knows put in for the services it runs. */
    HttpAnswer describeServices(HttpAnswer fromEngine) {
        if (!fromEngine.ok()) {
            return fromEngine;
        }
        JsonNode answer = EcsJson.parse(fromEngine.body());
        if (answer == null || !answer.path("services").isArray()) {
            return fromEngine;
        }
        boolean changed = false;
        for (JsonNode service : answer.get("services")) {
            Optional<ServiceScheduler> scheduler = scheduler(service.path("clusterArn").asText(), service.path("serviceName").asText());
            if (scheduler.isPresent() && service instanceof ObjectNode record) {
                patch(record, scheduler.get());
                changed = true;
            }
        }
        return changed ? fromEngine.withBody(EcsJson.write(answer)) : fromEngine;
    }

    private void patch(ObjectNode service, ServiceScheduler scheduler) {
        List<EcsTask> tasks = scheduler.tasks();
        int desired = scheduler.desiredCount();
        service.put("desiredCount", desired);
        service.put("runningCount", count(tasks, t -> running(t)));
        service.put("pendingCount", count(tasks, t -> pending(t)));
        List<Deployment> deployments = scheduler.deployments().stream().filter(d -> d.status() != Deployment.Status.INACTIVE).toList();
        if (deployments.isEmpty()) {
            // Not deployed by the runtime yet: nothing runs, whatever the engine's record says.
            service.path("deployments").forEach(d -> ((ObjectNode) d).put("runningCount", 0).put("pendingCount", 0));
        } else {
            ArrayNode json = service.putArray("deployments");
            for (Deployment d : deployments) {
                List<EcsTask> own = tasks.stream().filter(t -> t.deployment() == d).toList();
                int deploymentDesired = d.status() == Deployment.Status.PRIMARY ? desired : count(own, EcsTask::active);
                json.add(EcsJson.deployment(new DeploymentView(d.id(), d.status().name(), d.taskDefinitionArn(), deploymentDesired,
                        count(own, t -> pending(t)), count(own, t -> running(t)), d.failedTasks(), d.createdAt(), d.updatedAt(),
                        d.rolloutState().name(), d.rolloutStateReason()), service.get("networkConfiguration")));
            }
            service.put("taskDefinition", deployments.get(0).taskDefinitionArn()); // the PRIMARY's, also after a rollback
        }
        service.set("events", EcsJson.events(service.path("serviceArn").asText(), scheduler.events(), scheduler.name(),
                runtime.awsServiceName(scheduler.name())));
    }

    // ---- ListTasks ----------------------------------------------------------------------------

    HttpAnswer listTasks(JsonNode request, byte[] body, EngineCall engine) {
        if (!ourCluster(request)) {
            return engine.send(body);
        }
        List<ServiceScheduler> services = runtime.services();
        String serviceName = text(request, "serviceName");
        if (serviceName != null) {
            Optional<ServiceScheduler> one = byAwsName(serviceName.substring(serviceName.lastIndexOf('/') + 1));
            if (one.isEmpty()) {
                return engine.send(body);
            }
            services = List.of(one.get());
        }
        String desiredStatus = Objects.requireNonNullElse(text(request, "desiredStatus"), "RUNNING");
        if (!Set.of("RUNNING", "PENDING", "STOPPED").contains(desiredStatus)) {
            return HttpAnswer.ecsError("InvalidParameterException", "desiredStatus must be one of RUNNING, PENDING, STOPPED");
        }
        int maxResults = request.path("maxResults").asInt(MAX_LIST_RESULTS);
        if (maxResults < 1 || maxResults > MAX_LIST_RESULTS) {
            return HttpAnswer.ecsError("InvalidParameterException", "maxResults must be between 1 and " + MAX_LIST_RESULTS);
        }
        Cursor after = null;
        String nextToken = text(request, "nextToken");
        if (nextToken != null) {
            after = Cursor.decode(nextToken);
            if (after == null) {
                return HttpAnswer.ecsError("InvalidParameterException", "Invalid nextToken");
            }
        }
        String family = text(request, "family");
        String startedBy = text(request, "startedBy");
        String launchType = text(request, "launchType");
        boolean onContainerInstance = text(request, "containerInstance") != null; // Fargate tasks have none
        Cursor from = after;
        List<EcsTask> matching = services.stream().flatMap(s -> s.tasks().stream())
                .filter(t -> switch (desiredStatus) {
                    case "STOPPED" -> t.stopRequested();
                    case "RUNNING" -> !t.stopRequested();
                    default -> false; // ECS: filtering on PENDING returns no results
                })
                .filter(t -> family == null || family.equals(family(t.deployment().taskDefinitionArn())))
                .filter(t -> startedBy == null || startedBy.equals(t.deployment().id()))
                .filter(t -> launchType == null || "FARGATE".equals(launchType))
                .filter(t -> !onContainerInstance)
                .sorted(LIST_ORDER)
                .filter(t -> from == null || from.before(t))
                .toList();
        ObjectNode answer = EcsJson.object();
        ArrayNode arns = answer.putArray("taskArns");
        matching.stream().limit(maxResults).forEach(t -> arns.add(t.taskArn()));
        if (matching.size() > maxResults) {
            answer.put("nextToken", Cursor.of(matching.get(maxResults - 1)).encode());
        }
        return ok(answer);
    }

    /** Where a page ended: the last task's creation time and ARN, in the listing's order. */
    record Cursor(long createdAtNanos, String taskArn) {
        static Cursor of(EcsTask task) {
            return new Cursor(nanos(task), task.taskArn());
        }

        boolean before(EcsTask task) {
            long t = nanos(task);
            return t > createdAtNanos || t == createdAtNanos && task.taskArn().compareTo(taskArn) > 0;
        }

        String encode() {
            return Base64.getUrlEncoder().withoutPadding().encodeToString((createdAtNanos + " " + taskArn).getBytes(StandardCharsets.UTF_8));
        }

        static Cursor decode(String token) {
            try {
                String text = new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8);
                int space = text.indexOf(' ');
                return space < 0 ? null : new Cursor(Long.parseLong(text.substring(0, space)), text.substring(space + 1));
            } catch (IllegalArgumentException e) {
                return null;
            }
        }

        private static long nanos(EcsTask task) {
            return task.createdAt().getEpochSecond() * 1_000_000_000L + task.createdAt().getNano();
        }
    }

    // ---- DescribeTasks ------------------------------------------------------------------------

    HttpAnswer describeTasks(JsonNode request, byte[] body, EngineCall engine) {
        JsonNode asked = request.path("tasks");
        if (!ourCluster(request) || !asked.isArray() || asked.isEmpty()) {
            return engine.send(body);
        }
        boolean withTags = false;
        for (JsonNode include : request.path("include")) {
            withTags |= "TAGS".equals(include.asText());
        }
        ObjectNode answer = EcsJson.object();
        ArrayNode tasks = answer.putArray("tasks");
        ArrayNode failures = answer.putArray("failures");
        List<String> unknown = new ArrayList<>();
        for (JsonNode id : asked) {
            Optional<Found> found = find(id.asText());
            if (found.isPresent()) {
                tasks.add(EcsJson.task(view(found.get().service(), found.get().task()), withTags));
            } else {
                unknown.add(id.asText());
            }
        }
        if (!unknown.isEmpty()) {
            // Not the runtime's: perhaps the engine's own (RunTask); what neither knows is MISSING, as on ECS.
            ObjectNode rest = request.deepCopy();
            ArrayNode ids = rest.putArray("tasks");
            unknown.forEach(ids::add);
            HttpAnswer fromEngine = engine.send(EcsJson.write(rest).getBytes(StandardCharsets.UTF_8));
            JsonNode engineAnswer = fromEngine.ok() ? EcsJson.parse(fromEngine.body()) : null;
            if (engineAnswer == null) {
                return fromEngine;
            }
            Set<String> answered = new HashSet<>();
            for (JsonNode task : engineAnswer.path("tasks")) {
                tasks.add(task);
                answered.add(task.path("taskArn").asText());
            }
            for (JsonNode failure : engineAnswer.path("failures")) {
                failures.add(failure);
                answered.add(failure.path("arn").asText());
            }
            for (String id : unknown) {
                String arn = id.startsWith("arn:") ? id : runtime.clusterArn().replace(":cluster/", ":task/") + "/" + id;
                if (!answered.contains(id) && !answered.contains(arn) && answered.stream().noneMatch(a -> a.endsWith("/" + id))) {
                    failures.add(EcsJson.object().put("arn", arn).put("reason", "MISSING"));
                }
            }
        }
        return ok(answer);
    }

    private record Found(ServiceScheduler service, EcsTask task) {
    }

    /** A task of the runtime by ARN or id. */
    private Optional<Found> find(String id) {
        for (ServiceScheduler service : runtime.services()) {
            for (EcsTask task : service.tasks()) {
                if (task.taskArn().equals(id) || task.taskId().equals(id)) {
                    return Optional.of(new Found(service, task));
                }
            }
        }
        return Optional.empty();
    }

    private TaskView view(ServiceScheduler service, EcsTask t) {
        String taskDefinitionArn = t.deployment().taskDefinitionArn();
        Optional<TaskDefinition> definition = definition(taskDefinitionArn);
        Optional<ContainerDefinition> container = definition.flatMap(d -> d.containerDefinitions().stream().findFirst());
        RunningTask process = t.process();
        boolean exited = process != null && !process.isAlive();
        String containerStatus = t.stopped() || exited ? "STOPPED"
                : process == null || pending(t) ? "PENDING" : "RUNNING";
        Integer exitCode = t.exitCode() != null ? t.exitCode()
                : exited && process.exitCode().isPresent() ? Integer.valueOf(process.exitCode().getAsInt()) : null;
        boolean neverStarted = process == null && t.stopped();
        String containerReason = t.containerReason() != null ? t.containerReason() : neverStarted ? t.stoppedReason() : null;
        String stopCode = !t.stopRequested() ? null
                : neverStarted ? "TaskFailedToStart"
                : "Essential container in task exited".equals(t.stoppedReason()) ? "EssentialContainerExited"
                : "ServiceSchedulerInitiated";
        String eniStatus = switch (t.lastStatus()) {
            case PROVISIONING -> "ATTACHING";
            case DEPROVISIONING -> "DETACHING";
            case STOPPED -> "DELETED";
            default -> "ATTACHED";
        };
        return new TaskView(t.taskId(), t.taskArn(), runtime.clusterArn(), taskDefinitionArn,
                "service:" + runtime.awsServiceName(service.name()), t.deployment().id(), t.lastStatus().name(),
                t.stopRequested() ? "STOPPED" : "RUNNING", t.containerHealth().name(), t.createdAt(), t.runningAt(),
                t.stopSignalAt() != null ? t.stopSignalAt() : t.stoppedAt(), t.stoppedAt(), t.stoppedReason(), stopCode,
                definition.map(TaskDefinition::cpu).orElse(null), definition.map(TaskDefinition::memory).orElse(null),
                new TaskView.Container(container.map(ContainerDefinition::name).orElse(service.name()),
                        container.map(ContainerDefinition::image).orElse(null), containerStatus, exitCode, containerReason,
                        t.containerHealth().name()),
                new TaskView.NetworkInterface(t.privateIp(), subnetId(service.name()), eniStatus));
    }

    private Optional<TaskDefinition> definition(String arn) {
        TaskDefinition known = definitions.get(arn);
        if (known != null) {
            return Optional.of(known);
        }
        try {
            TaskDefinition read = runtime.environment().aws().ecs().describeTaskDefinition(r -> r.taskDefinition(arn)).taskDefinition();
            definitions.put(arn, read);
            return Optional.of(read);
        } catch (RuntimeException e) {
            LOG.debug("Task definition {} not readable from the engine: {}", arn, e.toString());
            return Optional.empty();
        }
    }

    /** The subnet the task's IP is taken from: the service's first, as TargetMirror does. */
    private String subnetId(String service) {
        EcsService model = runtime.environment().topology().ecs().services().get(service);
        if (model == null || model.subnets().isEmpty()) {
            return null;
        }
        return runtime.environment().outputs().get("subnet", model.subnets().get(0)).orElse(null);
    }

    // ---- UpdateService ------------------------------------------------------------------------

    /**
     * The engine records the change; the runtime acts on it before the caller hears back, and the
     * service record returned shows the runtime's deployments (the new one PRIMARY, the one it
     * replaces ACTIVE), as ECS returns them.
     */
    HttpAnswer updateService(HttpAnswer fromEngine) {
        if (!fromEngine.ok()) {
            return fromEngine;
        }
        runtime.refresh();
        JsonNode answer = EcsJson.parse(fromEngine.body());
        if (answer == null || !(answer.get("service") instanceof ObjectNode service)) {
            return fromEngine;
        }
        Optional<ServiceScheduler> scheduler = scheduler(service.path("clusterArn").asText(), service.path("serviceName").asText());
        if (scheduler.isEmpty()) {
            return fromEngine;
        }
        patch(service, scheduler.get());
        return fromEngine.withBody(EcsJson.write(answer));
    }

    // ---- shared -------------------------------------------------------------------------------

    private boolean ourCluster(JsonNode request) {
        String cluster = Objects.requireNonNullElse(text(request, "cluster"), "default");
        return cluster.equals(runtime.clusterName()) || cluster.equals(runtime.clusterArn());
    }

    private Optional<ServiceScheduler> scheduler(String clusterArn, String serviceName) {
        return runtime.clusterArn().equals(clusterArn) ? byAwsName(serviceName) : Optional.empty();
    }

    private Optional<ServiceScheduler> byAwsName(String serviceName) {
        return runtime.services().stream().filter(s -> runtime.awsServiceName(s.name()).equals(serviceName)).findFirst();
    }

    private static boolean running(EcsTask t) {
        return t.lastStatus() == EcsTask.LastStatus.RUNNING;
    }

    private static boolean pending(EcsTask t) {
        return Stream.of(EcsTask.LastStatus.PROVISIONING, EcsTask.LastStatus.PENDING, EcsTask.LastStatus.ACTIVATING)
                .anyMatch(s -> s == t.lastStatus());
    }

    private static int count(List<EcsTask> tasks, Predicate<EcsTask> which) {
        return (int) tasks.stream().filter(which).count();
    }

    /** {@code arn:aws:ecs:<region>:<account>:task-definition/<family>:<revision>} → family. */
    static String family(String taskDefinitionArn) {
        String name = taskDefinitionArn.substring(taskDefinitionArn.lastIndexOf('/') + 1);
        int colon = name.lastIndexOf(':');
        return colon < 0 ? name : name.substring(0, colon);
    }

    private static String text(JsonNode request, String field) {
        JsonNode value = request.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static HttpAnswer ok(JsonNode answer) {
        return HttpAnswer.own(200, HttpAnswer.ECS_JSON, EcsJson.write(answer), HttpAnswer.newRequestId());
    }
}
