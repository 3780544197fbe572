package io.ezthrottle.admin.overview;

import java.util.ArrayDeque;
import java.util.List;

/** The last {@code capacity} points, so a page that opens now starts with full charts. */
final class OverviewHistory {

    private final ArrayDeque<OverviewSample> points = new ArrayDeque<>();
    private final int capacity;

    OverviewHistory(int capacity) {
        this.capacity = capacity;
    }

    synchronized void add(OverviewSample sample) {
        if (points.size() == capacity) {
            points.removeFirst();
        }
        points.addLast(sample);
    }

    synchronized List<OverviewSample> points() {
        return List.copyOf(points);
    }
}
