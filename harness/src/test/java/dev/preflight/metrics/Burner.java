package dev.preflight.metrics;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;

/**
 * The child process of {@link ProcessTreeUsageTest}: {@code Burner <cpu-seconds> <MiB> [hold]} keeps
 * MiB of memory resident, prints "ready", burns CPU until its main thread has used cpu-seconds (a
 * fixed amount of work however busy the machine is), then exits, or with "hold" waits for its
 * standard input to close.
 */
public final class Burner {
    private Burner() {
    }

    public static void main(String[] args) throws Exception {
        double cpuSeconds = Double.parseDouble(args[0]);
        byte[] held = new byte[Integer.parseInt(args[1]) * 1024 * 1024];
        Arrays.fill(held, (byte) 1); // written, so every page is resident
        System.out.println("ready");
        System.out.flush();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double x = 0;
        while (threads.getCurrentThreadCpuTime() < cpuSeconds * 1e9) {
            for (int i = 0; i < 100_000; i++) {
                x += Math.sqrt(x + i);
            }
        }
        if (args.length > 2 && args[2].equals("hold")) {
            System.in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        System.out.println(x > 0 ? "burnt " + held.length : "");
    }
}
