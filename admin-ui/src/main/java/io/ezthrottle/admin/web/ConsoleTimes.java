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

    /** A duration the way an operator writes it: {@code 24h}, {@code 90m}, {@code 45s}. */
    public static String duration(java.time.Duration d) {
        long s = d.getSeconds();
        if (s > 0 && s % 3600 == 0) {
            return s / 3600 + "h";
        }
        if (s > 0 && s % 60 == 0) {
            return s / 60 + "m";
        }
        return d.toMillis() % 1000 == 0 ? s + "s" : d.toMillis() + "ms";
    }
}
