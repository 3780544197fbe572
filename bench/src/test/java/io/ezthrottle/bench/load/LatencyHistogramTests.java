package io.ezthrottle.bench.load;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

class LatencyHistogramTests {

    @Test
    void smallValuesAreExact() {
        LatencyHistogram h = new LatencyHistogram();
        for (int v = 1; v <= 100; v++) {
            h.record(v);
        }
        assertThat(h.count()).isEqualTo(100);
        assertThat(h.percentile(50)).isEqualTo(50);
        assertThat(h.percentile(99)).isEqualTo(99);
        assertThat(h.percentile(100)).isEqualTo(100);
        assertThat(h.min()).isEqualTo(1);
        assertThat(h.mean()).isEqualTo(50.5);
    }

    @Test
    void percentilesAreNeverBelowAndAtMostOnePercentAboveTheExactNearestRank() {
        Random random = new Random(42);
        long[] values = new long[200_000];
        LatencyHistogram h = new LatencyHistogram();
        for (int i = 0; i < values.length; i++) {
            // log-normal-ish latencies from tens of microseconds to seconds
            values[i] = (long) Math.exp(4 + random.nextGaussian() * 2.5);
            h.record(values[i]);
        }
        Arrays.sort(values);
        for (double p : new double[] {1, 10, 50, 90, 99, 99.9, 99.99, 100}) {
            long exact = values[(int) Math.ceil(p / 100 * values.length) - 1];
            assertThat(h.percentile(p)).as("p%s", p).isGreaterThanOrEqualTo(exact)
                    .isLessThanOrEqualTo(exact + Math.max(1, exact / 100));
        }
        assertThat(h.max()).isEqualTo(values[values.length - 1]);
    }

    @Test
    void bucketsTileTheRangeWithoutGaps() {
        for (long v = 0; v < 1_000_000; v += 7) {
            int i = LatencyHistogram.index(v);
            assertThat(LatencyHistogram.highestInBucket(i)).isGreaterThanOrEqualTo(v);
            assertThat(i == 0 || LatencyHistogram.highestInBucket(i - 1) < v).isTrue();
        }
        assertThat(LatencyHistogram.index(Long.MAX_VALUE)).isLessThan(64 * 128);
    }

    @Test
    void emptyAndMergedHistograms() {
        LatencyHistogram a = new LatencyHistogram();
        assertThat(a.percentile(99)).isZero();
        assertThat(a.max()).isZero();
        LatencyHistogram b = new LatencyHistogram();
        a.record(10);
        b.record(1_000);
        b.record(-5);
        a.add(b);
        assertThat(a.count()).isEqualTo(3);
        assertThat(a.min()).isZero();
        assertThat(a.percentile(100)).isEqualTo(1_000);
    }
}
