package dev.preflight.runtime;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A short command run on this machine with a deadline, its output discarded: a health check of a process task. */
public final class HostCommand {
    private HostCommand() {
    }

    /** The exit code, or -1 when the command outlived {@code timeout} (it is killed) or could not start. */
    public static int run(List<String> command, Duration timeout) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return p.exitValue();
            }
            p.destroyForcibly();
            return -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
