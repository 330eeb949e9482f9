package dev.preflight.front;

import java.time.Instant;

/** One deployment of a service as DescribeServices shows it (PRIMARY or ACTIVE). */
record DeploymentView(String id, String status, String taskDefinition, int desiredCount, int pendingCount, int runningCount,
                      int failedTasks, Instant createdAt, Instant updatedAt, String rolloutState, String rolloutStateReason) {
}
