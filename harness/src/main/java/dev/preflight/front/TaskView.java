package dev.preflight.front;

import java.time.Instant;

/**
 * One task as DescribeTasks shows it: a Fargate task of a service with one essential container and
 * one network interface (awsvpc). Nulls are left out of the answer, as ECS leaves them out.
 */
record TaskView(String taskId, String taskArn, String clusterArn, String taskDefinitionArn, String group, String startedBy,
                String lastStatus, String desiredStatus, String healthStatus, Instant createdAt, Instant startedAt,
                Instant stoppingAt, Instant stoppedAt, String stoppedReason, String stopCode, String cpu, String memory,
                Container container, NetworkInterface eni) {

    /** The essential container: its status, exit code and ECS's reason beyond the exit code. */
    record Container(String name, String image, String lastStatus, Integer exitCode, String reason, String healthStatus) {
    }

    /** The task's ENI: its private IP in the service's subnet, and the attachment's status. */
    record NetworkInterface(String privateIp, String subnetId, String status) {
    }
}
