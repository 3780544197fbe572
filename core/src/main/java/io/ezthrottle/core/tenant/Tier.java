package io.ezthrottle.core.tenant;

import java.util.Locale;

/**
 * Plan tiers from the product's pricing table: requests included per calendar month and the hard cap.
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
}
