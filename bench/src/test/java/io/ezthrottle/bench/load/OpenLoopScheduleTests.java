package io.ezthrottle.bench.load;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class OpenLoopScheduleTests {

    @Test
    void evenSpacingAtTheOfferedRate() {
        OpenLoopSchedule s = OpenLoopSchedule.of(4_000, Duration.ofSeconds(5));
        assertThat(s.count()).isEqualTo(20_000);
        assertThat(s.offsetNanos(0)).isZero();
        assertThat(s.offsetNanos(1)).isEqualTo(250_000);
        assertThat(s.offsetNanos(4_000)).isEqualTo(1_000_000_000L);
        assertThat(s.offsetNanos(19_999)).isLessThan(Duration.ofSeconds(5).toNanos());
        assertThat(s.span()).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void nonIntegralIntervalsDoNotDrift() {
        OpenLoopSchedule s = OpenLoopSchedule.ofCount(3, 3_001); // 333.33 ms apart
        for (int i = 1; i < s.count(); i++) {
            long gap = s.offsetNanos(i) - s.offsetNanos(i - 1);
            assertThat(gap).isBetween(333_333_333L, 333_333_334L);
        }
        assertThat(s.offsetNanos(3_000)).isEqualTo(1_000_000_000_000L);
    }

    @Test
    void rejectsNonsense() {
        assertThatThrownBy(() -> OpenLoopSchedule.ofCount(0, 10)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> OpenLoopSchedule.ofCount(10, 5).offsetNanos(5))
                .isInstanceOf(IndexOutOfBoundsException.class);
    }
}
