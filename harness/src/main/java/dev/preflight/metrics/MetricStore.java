package dev.preflight.metrics;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The runtime's own metric series by metric, what the autoscaler reads (not CloudWatch). */
public final class MetricStore {
    private final int retention;
    private final Map<MetricId, MetricSeries> series = new ConcurrentHashMap<>();

    public MetricStore(int retention) {
        this.retention = retention;
    }

    public void record(MetricId id, Datapoint point) {
        series.computeIfAbsent(id, i -> new MetricSeries(i, retention)).add(point);
    }

    /** The series of a metric; empty (no datapoint yet) when nothing was recorded for it. */
    public MetricSeries series(MetricId id) {
        MetricSeries existing = series.get(id);
        return existing != null ? existing : new MetricSeries(id, 1);
    }

    public Optional<Datapoint> latest(MetricId id) {
        MetricSeries s = series.get(id);
        return s == null ? Optional.empty() : s.latest();
    }

    public List<MetricId> metrics() {
        return List.copyOf(series.keySet());
    }
}
