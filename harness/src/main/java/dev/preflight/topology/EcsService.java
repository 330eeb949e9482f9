package dev.preflight.topology;

import java.util.List;

/** An ECS service on Fargate with its task definition (one container) and deployment settings. */
public record EcsService(
        String image,
        Integer cpu,
        Integer memory,
        Integer desiredCount,
        List<String> subnets,
        List<String> securityGroups,
        String executionRole,
        String taskRole,
        String targetGroup,
        Integer healthCheckGracePeriodSeconds,
        Container container,
        DeploymentConfiguration deployment,
        Autoscaling autoscaling,
        CheckSettings check) {
    public EcsService {
        check = check == null ? CheckSettings.DEFAULTS : check;
        desiredCount = desiredCount == null ? 1 : desiredCount;
        subnets = Maps.copy(subnets);
        securityGroups = Maps.copy(securityGroups);
        healthCheckGracePeriodSeconds = healthCheckGracePeriodSeconds == null ? 0 : healthCheckGracePeriodSeconds;
        deployment = deployment == null ? new DeploymentConfiguration(null, null, null) : deployment;
    }

    public EcsService withDeployment(DeploymentConfiguration newDeployment) {
        return new EcsService(image, cpu, memory, desiredCount, subnets, securityGroups, executionRole, taskRole, targetGroup,
                healthCheckGracePeriodSeconds, container, newDeployment, autoscaling, check);
    }

    /** The same service with other autoscaling (null: none). */
    public EcsService withAutoscaling(Autoscaling newAutoscaling) {
        return new EcsService(image, cpu, memory, desiredCount, subnets, securityGroups, executionRole, taskRole, targetGroup,
                healthCheckGracePeriodSeconds, container, deployment, newAutoscaling, check);
    }

    public EcsService withContainer(Container newContainer) {
        return new EcsService(image, cpu, memory, desiredCount, subnets, securityGroups, executionRole, taskRole, targetGroup,
                healthCheckGracePeriodSeconds, newContainer, deployment, autoscaling, check);
    }

    public EcsService withDesiredCount(int count) {
        return new EcsService(image, cpu, memory, count, subnets, securityGroups, executionRole, taskRole, targetGroup,
                healthCheckGracePeriodSeconds, container, deployment, autoscaling, check);
    }
}
