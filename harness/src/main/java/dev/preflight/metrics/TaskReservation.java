package dev.preflight.metrics;

import dev.preflight.runtime.TaskSpec;
import dev.preflight.topology.EcsService;

/**
 * What ECS reserves for one task, the 100 % of its CPUUtilization and MemoryUtilization: the task
 * definition's task-level cpu (units, 1024 = one vCPU) and memory (MiB) as the task was launched with
 * them, else the topology's, else Fargate's smallest size (256 and 512).
 */
public record TaskReservation(int cpuUnits, int memoryMiB) {
    static final int FARGATE_SMALLEST_CPU = 256;
    static final int FARGATE_SMALLEST_MEMORY = 512;

    /** As the topology declares the service's tasks ({@code model} null: Fargate's smallest). */
    public static TaskReservation declared(EcsService model) {
        return new TaskReservation(
                model != null && model.cpu() != null ? model.cpu() : FARGATE_SMALLEST_CPU,
                model != null && model.memory() != null ? model.memory() : FARGATE_SMALLEST_MEMORY);
    }

    /** A launched task's: its spec's where it has them (0 is "none"), the topology's otherwise. */
    public static TaskReservation of(TaskSpec spec, EcsService model) {
        TaskReservation declared = declared(model);
        return new TaskReservation(spec.cpuUnits() > 0 ? spec.cpuUnits() : declared.cpuUnits,
                spec.memoryMiB() > 0 ? spec.memoryMiB() : declared.memoryMiB);
    }

    public double vcpus() {
        return cpuUnits / 1024.0;
    }

    public double memoryBytes() {
        return memoryMiB * 1024.0 * 1024.0;
    }
}
