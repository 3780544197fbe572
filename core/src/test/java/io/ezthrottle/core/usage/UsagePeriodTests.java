package io.ezthrottle.core.usage;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;

import org.junit.jupiter.api.Test;

class UsagePeriodTests {

    @Test
    void periodIsTheCalendarMonthInUtc() {
        UsagePeriod p = UsagePeriod.containing(Instant.parse("2026-01-31T23:59:59.999Z").toEpochMilli());

        assertThat(p.id()).isEqualTo("2026-01");
        assertThat(p.startMillis()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());
        assertThat(p.endMillis()).isEqualTo(Instant.parse("2026-02-01T00:00:00Z").toEpochMilli());
        assertThat(UsagePeriod.containing(p.endMillis()).id()).isEqualTo("2026-02");
        assertThat(UsagePeriod.containing(Instant.parse("2028-02-29T12:00:00Z").toEpochMilli()).endMillis())
                .isEqualTo(Instant.parse("2028-03-01T00:00:00Z").toEpochMilli());
        assertThat(UsagePeriod.containing(Instant.parse("2026-12-15T00:00:00Z").toEpochMilli()).endMillis())
                .isEqualTo(Instant.parse("2027-01-01T00:00:00Z").toEpochMilli());
    }

    @Test
    void secondsUntilEndRoundUpSoTheClientNeverComesBackEarly() {
        UsagePeriod p = UsagePeriod.containing(Instant.parse("2026-03-10T00:00:00Z").toEpochMilli());

        assertThat(p.secondsUntilEnd(p.endMillis() - 30_000)).isEqualTo(30);
        assertThat(p.secondsUntilEnd(p.endMillis() - 29_001)).isEqualTo(30);
        assertThat(p.secondsUntilEnd(p.endMillis() - 1)).isEqualTo(1);
        assertThat(p.secondsUntilEnd(p.endMillis())).isEqualTo(1);
    }
}
