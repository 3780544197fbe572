package io.ezthrottle.admin.web;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

import org.springframework.stereotype.Component;

/** Time stamps as pages show them ({@code ${@times.format(ms)}}): UTC, like every time the platform stores. */
@Component("times")
public class ConsoleTimes {

    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private final Clock clock;

    public ConsoleTimes(Clock clock) {
        this.clock = clock;
    }

    /** For a {@code <time datetime>} attribute: ISO-8601 in UTC. */
    public String iso(long epochMillis) {
        return Instant.ofEpochMilli(epochMillis).toString();
    }

    /**
     * How long ago a moment was, as of rendering: {@code 12 s ago}, {@code 5 min ago}, {@code 3 h ago},
     * {@code 2 d ago}. A moment slightly ahead of this replica's clock (another host's clock runs ahead) is
     * {@code just now} rather than a negative age.
     */
    public String ago(long epochMillis) {
        if (epochMillis <= 0) {
            return "never";
        }
        long s = Math.max(0, clock.millis() - epochMillis) / 1000;
        if (s < 1) {
            return "just now";
        }
        if (s < 60) {
            return s + " s ago";
        }
        if (s < 3600) {
            return s / 60 + " min ago";
        }
        return s < 48 * 3600 ? s / 3600 + " h ago" : s / 86_400 + " d ago";
    }

    /** Whether a moment is still ahead, e.g. a pause that has not ended. */
    public boolean future(long epochMillis) {
        return epochMillis > clock.millis();
    }

    public String format(long epochMillis) {
        return epochMillis <= 0 ? "–" : FORMAT.format(Instant.ofEpochMilli(epochMillis));
    }

    public String format(Long epochMillis) {
        return epochMillis == null ? "–" : format(epochMillis.longValue());
    }

    /** A wait in seconds as a {@code Retry-After} header gives it: {@code 30 s}, {@code 1.5 s}. */
    public String seconds(long millis) {
        return millis % 1000 == 0 ? millis / 1000 + " s" : String.format(java.util.Locale.ROOT, "%.1f s", millis / 1000d);
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
