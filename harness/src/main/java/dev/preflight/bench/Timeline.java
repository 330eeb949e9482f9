package dev.preflight.bench;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * What happened around the load, in {@link System#nanoTime()} order: target state changes, service
 * events, what the load balancer answered itself. A failed request is listed with the lines of this
 * timeline near it, so its cause can be read off the bench's output.
 */
final class Timeline {
    record Line(long nanoTime, Instant at, String text) {
    }

    private final List<Line> lines = new ArrayList<>(); // guarded by this

    synchronized void add(String text) {
        lines.add(new Line(System.nanoTime(), Instant.now(), text));
    }

    synchronized void add(long nanoTime, Instant at, String text) {
        lines.add(new Line(nanoTime, at, text));
    }

    /** The lines from {@code before} nanoseconds before to {@code after} after the given time. */
    synchronized List<Line> around(long nanoTime, long before, long after) {
        List<Line> near = new ArrayList<>();
        for (Line line : lines) {
            if (line.nanoTime() >= nanoTime - before && line.nanoTime() <= nanoTime + after) {
                near.add(line);
            }
        }
        near.sort((a, b) -> Long.compare(a.nanoTime(), b.nanoTime()));
        return near;
    }
}
