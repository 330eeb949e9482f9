package dev.preflight.report;

import java.util.List;

/**
 * Everything the page's script draws, embedded in the page as JSON. Times are seconds since the run's
 * start; {@code xMin}/{@code xMax} are shared by every chart so their x axes line up.
 *
 * @param requests null when the scenario recorded no requests
 */
record PageData(String title, String runStart, double xMin, double xMax, RequestTimeline requests,
                List<Chart> charts, List<Event> events) {

    record Chart(String name, List<Series> series) {
    }

    record Series(String name, List<Point> points) {
    }

    record Point(double x, double y) {
    }

    /**
     * @param number the event's number in the events table, shown on the chart's line
     * @param xEnd   where a band ends, null for a moment
     */
    record Event(int number, double x, Double xEnd, String at, String label) {
    }
}
