package dev.preflight.metrics;

import java.time.Instant;

/**
 * One task's use of its reservation over the last period, as ECS would count it toward its
 * service's CPUUtilization and MemoryUtilization.
 *
 * @param cpuPercent    CPU time used over wall time, in percent of the task's cpu units (1024 = 1 vCPU)
 * @param memoryPercent resident memory in percent of the task's memory (MiB)
 */
public record TaskUsage(String service, String taskId, Instant at, double cpuPercent, double memoryPercent, long rssBytes,
                        int cpuUnits, int memoryMiB) {
}
