package io.ezthrottle.bench.stub;

import java.util.Arrays;
import java.util.List;

/** Measurements over the arrival times (System.nanoTime) of requests at one destination. */
public final class Arrivals {

    private final long[] nanos;

    public Arrivals(long[] nanos) {
        this.nanos = nanos.clone();
        Arrays.sort(this.nanos);
    }

    public static Arrivals of(List<NettyStub.Arrival> arrivals) {
        return new Arrivals(arrivals.stream().mapToLong(NettyStub.Arrival::nanos).toArray());
    }

    /** The arrival times, sorted (a copy). */
    public long[] sortedNanos() {
        return nanos.clone();
    }

    public int count() {
        return nanos.length;
    }

    public long first() {
        return nanos.length == 0 ? 0 : nanos[0];
    }

    public long last() {
        return nanos.length == 0 ? 0 : nanos[nanos.length - 1];
    }

    /** Intervals between consecutive arrivals from the first to the last, per second (NaN below two arrivals). */
    public double ratePerSecond() {
        if (nanos.length < 2) {
            return Double.NaN;
        }
        return (nanos.length - 1) / ((last() - first()) / 1e9);
    }

    /** Smallest gap between consecutive arrivals, in ms (NaN below two arrivals). */
    public double minGapMillis() {
        if (nanos.length < 2) {
            return Double.NaN;
        }
        long min = Long.MAX_VALUE;
        for (int i = 1; i < nanos.length; i++) {
            min = Math.min(min, nanos[i] - nanos[i - 1]);
        }
        return min / 1e6;
    }

    /** Gaps shorter than {@code millis}. */
    public int gapsBelow(double millis) {
        int n = 0;
        for (int i = 1; i < nanos.length; i++) {
            if ((nanos[i] - nanos[i - 1]) / 1e6 < millis) {
                n++;
            }
        }
        return n;
    }

    /** Most arrivals inside any window of {@code windowMillis} that starts at an arrival. */
    public int maxInWindow(double windowMillis) {
        long window = (long) (windowMillis * 1e6);
        int best = 0;
        int j = 0;
        for (int i = 0; i < nanos.length; i++) {
            while (j < nanos.length && nanos[j] - nanos[i] < window) {
                j++;
            }
            best = Math.max(best, j - i);
        }
        return best;
    }

    /** Arrivals in [fromNanos, toNanos). */
    public int between(long fromNanos, long toNanos) {
        int n = 0;
        for (long t : nanos) {
            if (t >= fromNanos && t < toNanos) {
                n++;
            }
        }
        return n;
    }

    /** Arrivals per bucket of {@code bucketMillis} from {@code originNanos} up to the last arrival. */
    public long[] histogram(long originNanos, double bucketMillis) {
        if (nanos.length == 0) {
            return new long[0];
        }
        long bucket = (long) (bucketMillis * 1e6);
        int buckets = (int) Math.max(1, (last() - originNanos) / bucket + 1);
        long[] out = new long[buckets];
        for (long t : nanos) {
            if (t >= originNanos) {
                out[(int) ((t - originNanos) / bucket)]++;
            }
        }
        return out;
    }
}
