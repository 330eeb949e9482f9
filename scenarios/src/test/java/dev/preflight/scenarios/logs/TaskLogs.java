package dev.preflight.scenarios.logs;

import dev.preflight.ecs.EcsTask;
import dev.preflight.environment.Environment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilterLogEventsResponse;
import software.amazon.awssdk.services.cloudwatchlogs.model.FilteredLogEvent;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;

/**
 * Reads a task's log back from CloudWatch Logs the way an operator does: the group and stream
 * named as ECS's awslogs driver names them (group from the task definition's {@code awslogs-group},
 * stream {@code <awslogs-stream-prefix>/<container>/<task id>}), events through FilterLogEvents.
 */
public final class TaskLogs {
    private TaskLogs() {
    }

    /** Where a task's container logs go. */
    public record Stream(String group, String name) {
        @Override
        public String toString() {
            return group + " / " + name;
        }
    }

    /** The task's log group and stream, from its task definition's log configuration. */
    public static Stream of(Environment env, EcsTask task) {
        ContainerDefinition container = env.aws().ecs()
                .describeTaskDefinition(r -> r.taskDefinition(task.deployment().taskDefinitionArn()))
                .taskDefinition().containerDefinitions().get(0);
        Map<String, String> options = container.logConfiguration().options();
        return new Stream(options.get("awslogs-group"),
                options.get("awslogs-stream-prefix") + "/" + container.name() + "/" + task.taskId());
    }

    /** The messages of the stream's events matching a CloudWatch filter pattern (e.g. {@code "\"db error\""}), all pages. */
    public static List<String> filter(Environment env, Stream stream, String filterPattern) {
        List<String> messages = new ArrayList<>();
        String token = null;
        do {
            String next = token;
            FilterLogEventsResponse page = env.aws().logs().filterLogEvents(r -> r.logGroupName(stream.group())
                    .logStreamNames(stream.name()).filterPattern(filterPattern).nextToken(next));
            page.events().stream().map(FilteredLogEvent::message).forEach(messages::add);
            token = page.nextToken() == null || page.nextToken().equals(next) ? null : page.nextToken();
        } while (token != null);
        return messages;
    }

    /**
     * Waits at most {@code atMost} until at least one event of the stream matches (shipping is
     * batched), and returns the matches; the timeout names the stream and the pattern.
     */
    public static List<String> await(Environment env, Stream stream, String filterPattern, Duration atMost) {
        return Awaitility.await("an event matching " + filterPattern + " in " + stream)
                .atMost(atMost).pollInterval(Duration.ofMillis(200))
                .until(() -> filter(env, stream, filterPattern), found -> !found.isEmpty());
    }
}
