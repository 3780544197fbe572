package io.ezthrottle.bench.stub;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ArrivalsTests {

    private static final long MS = 1_000_000L;

    @Test
    void rateGapsAndWindows() {
        Arrivals a = new Arrivals(new long[] {1_000 * MS, 0, 500 * MS, 1_490 * MS, 2_000 * MS});
        assertThat(a.count()).isEqualTo(5);
        assertThat(a.ratePerSecond()).isEqualTo(2.0);
        assertThat(a.minGapMillis()).isEqualTo(490.0);
        assertThat(a.gapsBelow(495)).isEqualTo(1);
        assertThat(a.maxInWindow(1000)).isEqualTo(3); // 500, 1000, 1490
        assertThat(a.between(0, 1_000 * MS)).isEqualTo(2);
        assertThat(a.histogram(0, 1000)).containsExactly(2, 2, 1);
    }

    @Test
    void tooFewArrivals() {
        assertThat(new Arrivals(new long[] {5}).ratePerSecond()).isNaN();
        assertThat(new Arrivals(new long[0]).histogram(0, 1000)).isEmpty();
    }
}
