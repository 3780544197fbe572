package io.ezthrottle.admin.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import org.junit.jupiter.api.Test;

/** How pages word moments and waits, against a fixed clock. */
class ConsoleTimesTests {

    private static final Instant NOW = Instant.parse("2026-11-25T18:00:00Z");
    private final ConsoleTimes times = new ConsoleTimes(Clock.fixed(NOW, ZoneOffset.UTC));

    @Test
    void saysHowLongAgoInTheLargestWholeUnit() {
        long now = NOW.toEpochMilli();
        assertThat(times.ago(now - 400)).isEqualTo("just now");
        assertThat(times.ago(now - 12_300)).isEqualTo("12 s ago");
        assertThat(times.ago(now - 59_999)).isEqualTo("59 s ago");
        assertThat(times.ago(now - 60_000)).isEqualTo("1 min ago");
        assertThat(times.ago(now - 3_599_000)).isEqualTo("59 min ago");
        assertThat(times.ago(now - 3_600_000)).isEqualTo("1 h ago");
        assertThat(times.ago(now - 47 * 3_600_000L)).isEqualTo("47 h ago");
        assertThat(times.ago(now - 3 * 86_400_000L)).isEqualTo("3 d ago");
    }

    @Test
    void aMomentAheadOfThisClockIsJustNowAndNoneIsNever() {
        assertThat(times.ago(NOW.toEpochMilli() + 2_000)).isEqualTo("just now");
        assertThat(times.ago(0)).isEqualTo("never");
    }

    @Test
    void wordsRetryAfterInSecondsAndMomentsInUtc() {
        assertThat(times.seconds(30_000)).isEqualTo("30 s");
        assertThat(times.seconds(1_500)).isEqualTo("1.5 s");
        assertThat(times.format(NOW.toEpochMilli())).isEqualTo("2026-11-25 18:00:00 UTC");
        assertThat(times.iso(NOW.toEpochMilli())).isEqualTo("2026-11-25T18:00:00Z");
        assertThat(times.future(NOW.toEpochMilli() + 1)).isTrue();
        assertThat(times.future(NOW.toEpochMilli())).isFalse();
    }
}
