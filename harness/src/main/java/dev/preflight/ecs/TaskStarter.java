package dev.preflight.ecs;

import dev.preflight.runtime.RunningTask;
import software.amazon.awssdk.services.ecs.model.ContainerDefinition;

/** What the service scheduler needs to start a service's tasks: {@link TaskLauncher} in the runtime. */
interface TaskStarter {
    /** Starts a task of the task definition; an ECS-worded exception when it cannot start. */
    RunningTask launch(String taskId, String clusterName, String taskDefinitionArn);

    /** The task definition's essential container. */
    ContainerDefinition container(String taskDefinitionArn);

    /** The version a task definition's image carries, for reports. */
    String version(String taskDefinitionArn);
}
