package io.ezthrottle.core.tenant;

import java.util.Locale;

/**
 * Plan tiers from the product's pricing table (compat-protocol Appendix B): requests included per calendar month
 * (UTC) and the hard cap. Requests between the two are overage; at the cap submissions are refused until the next
 * month or an upgrade.
 */
public enum Tier {
    FREE(1_000_000L, 1_000_000L),
    INDIE(2_000_000L, 5_000_000L),
    GROWTH(5_000_000L, 10_000_000L),
    PRO(10_000_000L, 25_000_000L);

    private final long included;
    private final long cap;

    Tier(long included, long cap) {
        this.included = included;
        this.cap = cap;
    }

    public long included() {
        return included;
    }

    public long cap() {
        return cap;
    }

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The highest tier, given to the bootstrap tenant. */
    public static Tier top() {
        return PRO;
    }

    public static Tier fromWire(String value) {
        return valueOf(value.trim().toUpperCase(Locale.ROOT));
    }

    /** The tier named {@code value} (any case), or null when there is none. */
    public static Tier parse(String value) {
        if (value == null) {
            return null;
        }
        for (Tier t : values()) {
            if (t.wire().equals(value.trim().toLowerCase(Locale.ROOT))) {
                return t;
            }
        }
        return null;
    }

    /** Requests past the included amount ({@code 0} while within it). */
    public long overage(long used) {
        return Math.max(0, used - included);
    }
}
