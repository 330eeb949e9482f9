package dev.preflight.bench;

import java.time.Duration;
import java.util.stream.Stream;

/** The CPU time a process and its children (nginx's workers) have used, as the OS accounts it. */
final class CpuTime {
    private CpuTime() {
    }

    static long nanos(ProcessHandle process) {
        return Stream.concat(Stream.of(process), process.descendants())
                .mapToLong(p -> p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L))
                .sum();
    }
}
