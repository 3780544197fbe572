package io.ezthrottle.admin.web;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import org.springframework.stereotype.Component;

/** Time stamps as pages show them ({@code ${@times.format(ms)}}): UTC, like every time the platform stores. */
@Component("times")
public class ConsoleTimes {

    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    public String format(long epochMillis) {
        return epochMillis <= 0 ? "–" : FORMAT.format(Instant.ofEpochMilli(epochMillis));
    }

    public String format(Long epochMillis) {
        return epochMillis == null ? "–" : format(epochMillis.longValue());
    }
}
