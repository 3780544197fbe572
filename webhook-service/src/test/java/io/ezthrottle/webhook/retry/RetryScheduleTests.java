package io.ezthrottle.webhook.retry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.Test;

class RetryScheduleTests {

    private static final List<Duration> HOSTED = List.of(Duration.ZERO, Duration.ofMinutes(1), Duration.ofMinutes(5),
            Duration.ofMinutes(15), Duration.ofHours(1));
    private static final long H = 3_600_000L;

    private final RetrySchedule schedule = new RetrySchedule(HOSTED, Duration.ofHours(24), 0, Duration.ofHours(1), () -> 0.5);

    @Test
    void followsTheDocumentedDelaysThenRepeatsTheLastUntilTheHorizon() {
        assertThat(retry(1, 0, 0)).isEqualTo(Duration.ofMinutes(1));
        assertThat(retry(2, 0, 60_000)).isEqualTo(Duration.ofMinutes(5));
        assertThat(retry(3, 0, 360_000)).isEqualTo(Duration.ofMinutes(15));
        assertThat(retry(4, 0, 1_260_000)).isEqualTo(Duration.ofHours(1));
        assertThat(retry(9, 0, 10 * H)).isEqualTo(Duration.ofHours(1));
    }

    @Test
    void givesUpWhenTheNextAttemptWouldFallAfterTheHorizon() {
        assertThat(schedule.next(20, 0, 23 * H, null, false)).isInstanceOf(RetryDecision.Retry.class);
        assertThat(schedule.next(21, 0, 23 * H + 1, null, false)).isInstanceOf(RetryDecision.GiveUp.class);
    }

    @Test
    void retryAfterIsALowerBoundCappedByTheConfiguredMaximum() {
        assertThat(schedule.next(1, 0, 0, Duration.ofMinutes(7), false)).isEqualTo(new RetryDecision.Retry(Duration.ofMinutes(7)));
        assertThat(schedule.next(1, 0, 0, Duration.ofSeconds(10), false)).isEqualTo(new RetryDecision.Retry(Duration.ofMinutes(1)));
        assertThat(schedule.next(1, 0, 0, Duration.ofDays(3), false)).isEqualTo(new RetryDecision.Retry(Duration.ofHours(1)));
    }

    @Test
    void aPermanentFailureIsNotRetried() {
        assertThat(schedule.next(1, 0, 0, null, true)).isInstanceOf(RetryDecision.GiveUp.class);
    }

    @Test
    void jitterMovesTheDelayWithinItsFraction() {
        RetrySchedule low = new RetrySchedule(HOSTED, Duration.ofHours(24), 0.1, Duration.ofHours(1), () -> 0.0);
        RetrySchedule high = new RetrySchedule(HOSTED, Duration.ofHours(24), 0.1, Duration.ofHours(1), () -> 0.999999);
        assertThat(((RetryDecision.Retry) low.next(1, 0, 0, null, false)).delay()).isEqualTo(Duration.ofSeconds(54));
        assertThat(((RetryDecision.Retry) high.next(1, 0, 0, null, false)).delay().toMillis()).isBetween(65_990L, 66_000L);
    }

    private Duration retry(int attempts, long firstAt, long now) {
        return ((RetryDecision.Retry) schedule.next(attempts, firstAt, now, null, false)).delay();
    }
}
