package dev.preflight.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProcessUsageTest {
    @Test
    void cpuTicksAreCountedAfterTheCommandNameEvenWithSpacesAndParentheses() {
        String stat = "4242 (java (x) y) S 1 4242 4242 0 -1 4194304 100 0 0 0 250 37 0 0 20 0 30 0 12345 3000000000 20000 "
                + "18446744073709551615 1 1 0 0 0 0 0 4096 16384 0 0 0 17 1 0 0 0 0 0";
        assertThat(ProcessUsage.parseCpuTicks(stat)).isEqualTo(287);
    }

    @Test
    void rssIsVmRssInKib() {
        String status = "Name:\tjava\nVmPeak:\t 3000000 kB\nVmRSS:\t   81234 kB\nThreads:\t20\n";
        assertThat(ProcessUsage.parseRssKiB(status)).isEqualTo(81234);
        assertThat(ProcessUsage.parseRssKiB("Name:\tzombie\n")).isZero();
    }

    @Test
    void thisJvmUsesCpuAndMemory() {
        assumeTrue(ProcessUsage.supported(), "no /proc on this machine");
        long pid = ProcessHandle.current().pid();
        ProcessUsage before = ProcessUsage.of(pid).orElseThrow();
        long spin = System.nanoTime() + 300_000_000L;
        double x = 0;
        while (System.nanoTime() < spin) {
            x += Math.sqrt(x + 1);
        }
        ProcessUsage after = ProcessUsage.of(pid).orElseThrow();
        assertThat(x).isPositive();
        assertThat(after.cpuSeconds() - before.cpuSeconds()).as("CPU seconds of a 0.3 s busy loop").isBetween(0.1, 5.0);
        assertThat(after.rssBytes()).as("a JVM's resident memory").isGreaterThan(10L * 1024 * 1024);
    }

    @Test
    void aProcessThatIsGoneHasNoUsage() throws Exception {
        assumeTrue(ProcessUsage.supported(), "no /proc on this machine");
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        assertThat(ProcessUsage.of(p.pid())).isEqualTo(Optional.empty());
    }
}
