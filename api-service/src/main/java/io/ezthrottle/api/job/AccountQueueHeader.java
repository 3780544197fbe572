package io.ezthrottle.api.job;

import java.util.Locale;
import java.util.Optional;

import org.springframework.http.HttpHeaders;

/**
 * The submitter's switch for a destination's per-tenant queues (compat-protocol §1.5, §6.4):
 * {@code X-Aqueduct-Account-Queue} (read first) or {@code X-EZThrottle-Account-Queue}, value {@code enabled} or
 * {@code disabled}, trimmed and case-insensitive; other values are ignored, an absent header leaves the setting.
 */
public final class AccountQueueHeader {

    public static final String AQUEDUCT = "X-Aqueduct-Account-Queue";
    public static final String EZTHROTTLE = "X-EZThrottle-Account-Queue";

    private AccountQueueHeader() {
    }

    /** True to enable, false to disable, empty to leave the destination as it is. */
    public static Optional<Boolean> read(HttpHeaders headers) {
        String value = headers.getFirst(AQUEDUCT);
        if (value == null) {
            value = headers.getFirst(EZTHROTTLE);
        }
        if (value == null) {
            return Optional.empty();
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "enabled" -> Optional.of(true);
            case "disabled" -> Optional.of(false);
            default -> Optional.empty();
        };
    }
}
