package dev.preflight.runtime;

import java.util.Map;
import java.util.TreeMap;
import sun.misc.Signal;

/**
 * The container the runtime tests start (java -jar of a jar holding only this class, so no nested
 * classes): prints its environment and some lines, then waits to be stopped. Switches:
 * TEST_LINES=n, TEST_EXIT_CODE=n (exit at once with it), TEST_IGNORE_SIGTERM=true.
 */
public final class TaskTestProgram {
    private TaskTestProgram() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> env = System.getenv();
        if ("true".equals(env.get("TEST_IGNORE_SIGTERM"))) {
            Signal.handle(new Signal("TERM"), sig -> System.out.println("ignoring SIGTERM"));
        } else {
            // As the sample app: a SIGTERM drains and exits cleanly.
            Signal.handle(new Signal("TERM"), sig -> {
                System.out.println("SIGTERM received: stopping");
                System.exit(0);
            });
        }
        new TreeMap<>(env).forEach((k, v) -> System.out.println("env " + k + "=" + v));
        int lines = Integer.parseInt(env.getOrDefault("TEST_LINES", "0"));
        for (int i = 0; i < lines; i++) {
            System.out.println("line " + i);
        }
        System.err.println("a line on stderr");
        System.out.println("ready");
        System.out.flush();
        String exitCode = env.get("TEST_EXIT_CODE");
        if (exitCode != null) {
            System.exit(Integer.parseInt(exitCode));
        }
        Thread.sleep(Long.MAX_VALUE);
    }
}
