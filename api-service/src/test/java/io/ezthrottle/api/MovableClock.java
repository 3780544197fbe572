package io.ezthrottle.api;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** A clock that runs at real speed from wherever a test moves it: month ends without waiting for them. */
final class MovableClock extends Clock {

    private volatile long offsetMillis;

    void moveTo(Instant instant) {
        offsetMillis = instant.toEpochMilli() - System.currentTimeMillis();
    }

    @Override
    public long millis() {
        return System.currentTimeMillis() + offsetMillis;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis());
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }
}
