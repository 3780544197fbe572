package io.ezthrottle.bench.load;

import java.time.Duration;

/**
 * When each request of an open-loop run is meant to leave: evenly spaced at a constant rate, decided before the run
 * starts and never moved by how fast the server answers. Latency is measured from these intended times, so a stalled
 * server is charged for every request it delayed (no coordinated omission).
 */
public final class OpenLoopSchedule {

    private final double ratePerSecond;
    private final int count;

    private OpenLoopSchedule(double ratePerSecond, int count) {
        if (!(ratePerSecond > 0)) {
            throw new IllegalArgumentException("rate must be positive, got " + ratePerSecond);
        }
        if (count < 0) {
            throw new IllegalArgumentException("count must not be negative, got " + count);
        }
        this.ratePerSecond = ratePerSecond;
        this.count = count;
    }

    /** {@code ratePerSecond} requests a second for {@code duration}. */
    public static OpenLoopSchedule of(double ratePerSecond, Duration duration) {
        return new OpenLoopSchedule(ratePerSecond, (int) Math.round(ratePerSecond * duration.toNanos() / 1e9));
    }

    /** Exactly {@code count} requests at {@code ratePerSecond}. */
    public static OpenLoopSchedule ofCount(double ratePerSecond, int count) {
        return new OpenLoopSchedule(ratePerSecond, count);
    }

    public double ratePerSecond() {
        return ratePerSecond;
    }

    public int count() {
        return count;
    }

    /** Intended send time of request {@code i} (0-based), in nanoseconds after the start of the run. */
    public long offsetNanos(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException("request " + i + " of " + count);
        }
        return Math.round(i * (1e9 / ratePerSecond));
    }

    /** Time from the first intended send to one interval after the last: the span the offered load covers. */
    public Duration span() {
        return Duration.ofNanos(Math.round(count * (1e9 / ratePerSecond)));
    }
}
