package dev.preflight.metrics;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * The datapoints of one metric, oldest first, at most one per period, bounded to the newest
 * {@code retention}. Safe to read while the collector appends.
 */
public final class MetricSeries {
    private final MetricId id;
    private final int retention;
    private final Deque<Datapoint> points = new ArrayDeque<>(); // guarded by this

    public MetricSeries(MetricId id, int retention) {
        if (retention < 1) {
            throw new IllegalArgumentException("retention must be at least 1, got " + retention);
        }
        this.id = id;
        this.retention = retention;
    }

    public MetricId id() {
        return id;
    }

    /** Appends a datapoint; one for a period already held replaces it. */
    public synchronized void add(Datapoint point) {
        if (!points.isEmpty() && points.peekLast().period() >= point.period()) {
            if (points.peekLast().period() == point.period()) {
                points.pollLast();
            } else {
                throw new IllegalArgumentException(id + ": datapoint for period " + point.period()
                        + " after period " + points.peekLast().period());
            }
        }
        points.addLast(point);
        while (points.size() > retention) {
            points.pollFirst();
        }
    }

    public synchronized List<Datapoint> all() {
        return List.copyOf(points);
    }

    public synchronized Optional<Datapoint> latest() {
        return Optional.ofNullable(points.peekLast());
    }

    public synchronized Optional<Datapoint> at(long period) {
        for (var it = points.descendingIterator(); it.hasNext(); ) {
            Datapoint p = it.next();
            if (p.period() == period) {
                return Optional.of(p);
            }
            if (p.period() < period) {
                break;
            }
        }
        return Optional.empty();
    }

    /**
     * The values of the {@code count} periods ending with {@code lastPeriod}, oldest first; a period
     * without a datapoint is empty (CloudWatch's missing data).
     */
    public synchronized List<OptionalDouble> window(long lastPeriod, int count) {
        List<OptionalDouble> window = new ArrayList<>(count);
        for (long p = lastPeriod - count + 1; p <= lastPeriod; p++) {
            Optional<Datapoint> point = at(p);
            window.add(point.isPresent() ? OptionalDouble.of(point.get().value()) : OptionalDouble.empty());
        }
        return window;
    }

    @Override
    public synchronized String toString() {
        return id + " " + points.size() + " datapoints";
    }
}
