package io.ezthrottle.bench.load;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAccumulator;
import java.util.concurrent.atomic.LongAdder;

/**
 * A thread-safe log-linear histogram of non-negative values (the harness records microseconds). Values below 128
 * are kept exactly; above, each power of two is split into 128 buckets, so a reported percentile is at most 1/128
 * (0.8 %) above the true one and never below it. Memory is fixed (a few thousand counters) however many values are
 * recorded, which is what an open-loop run at 10,000 requests/s for minutes needs.
 */
public final class LatencyHistogram {

    private static final int SUB_BITS = 7;
    private static final int SUB = 1 << SUB_BITS;
    private static final int MAX_EXPONENT = 62;

    private final AtomicLongArray counts = new AtomicLongArray((MAX_EXPONENT - SUB_BITS + 2) * SUB);
    private final LongAdder total = new LongAdder();
    private final LongAdder sum = new LongAdder();
    private final LongAccumulator max = new LongAccumulator(Math::max, 0);
    private final LongAccumulator min = new LongAccumulator(Math::min, Long.MAX_VALUE);

    /** Records one value; negative values count as 0. */
    public void record(long value) {
        long v = Math.max(0, value);
        counts.incrementAndGet(index(v));
        total.increment();
        sum.add(v);
        max.accumulate(v);
        min.accumulate(v);
    }

    public long count() {
        return total.sum();
    }

    public long max() {
        return count() == 0 ? 0 : max.get();
    }

    public long min() {
        return count() == 0 ? 0 : min.get();
    }

    public double mean() {
        long n = count();
        return n == 0 ? 0 : (double) sum.sum() / n;
    }

    /**
     * The nearest-rank percentile ({@code p} in 0..100): the smallest recorded value such that at least p % of all
     * values are at or below it, reported as the upper edge of its bucket (clamped to the largest value seen).
     * 0 when nothing was recorded.
     */
    public long percentile(double p) {
        long n = count();
        if (n == 0) {
            return 0;
        }
        long rank = Math.max(1, (long) Math.ceil(Math.min(100, Math.max(0, p)) / 100.0 * n));
        long seen = 0;
        for (int i = 0; i < counts.length(); i++) {
            seen += counts.get(i);
            if (seen >= rank) {
                return Math.min(highestInBucket(i), max());
            }
        }
        return max();
    }

    /** Adds every value of {@code other} to this histogram. */
    public void add(LatencyHistogram other) {
        for (int i = 0; i < counts.length(); i++) {
            long c = other.counts.get(i);
            if (c != 0) {
                counts.addAndGet(i, c);
            }
        }
        total.add(other.total.sum());
        sum.add(other.sum.sum());
        if (other.count() > 0) {
            max.accumulate(other.max());
            min.accumulate(other.min());
        }
    }

    static int index(long v) {
        if (v < SUB) {
            return (int) v;
        }
        int exponent = 63 - Long.numberOfLeadingZeros(v);
        int shift = exponent - SUB_BITS;
        return (int) (shift * SUB + (v >>> shift));
    }

    static long highestInBucket(int index) {
        if (index < SUB) {
            return index;
        }
        int shift = index / SUB - 1;
        long mantissa = index - (long) shift * SUB;
        return ((mantissa + 1) << shift) - 1;
    }
}
