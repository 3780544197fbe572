package io.ezthrottle.core.usage;

import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;

/**
 * A billing period: one calendar month in UTC.
 *
 * @param id          {@code yyyy-MM}, part of the counter's Redis key
 * @param startMillis first millisecond of the month
 * @param endMillis   first millisecond of the next month (when the counter starts over)
 */
public record UsagePeriod(String id, long startMillis, long endMillis) {

    public static UsagePeriod containing(long epochMillis) {
        YearMonth month = YearMonth.from(Instant.ofEpochMilli(epochMillis).atOffset(ZoneOffset.UTC));
        return new UsagePeriod(month.toString(), start(month), start(month.plusMonths(1)));
    }

    /**
     * Whole seconds from {@code nowMillis} until the period ends, rounded up and at least 1: what a refused client
     * must wait. Rounding up keeps {@code now + Retry-After} from ever landing before the reset.
     */
    public long secondsUntilEnd(long nowMillis) {
        return Math.max(1, (endMillis - nowMillis + 999) / 1000);
    }

    private static long start(YearMonth month) {
        return month.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
    }
}
