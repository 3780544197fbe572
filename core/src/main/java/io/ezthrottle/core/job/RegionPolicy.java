package io.ezthrottle.core.job;

/** What happens when a listed region is unavailable: move to a healthy one (fallback) or fail (strict). */
public enum RegionPolicy {
    FALLBACK("fallback"), STRICT("strict");

    private final String wire;

    RegionPolicy(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static RegionPolicy fromWire(String value) {
        for (RegionPolicy p : values()) {
            if (p.wire.equalsIgnoreCase(value)) {
                return p;
            }
        }
        return null;
    }
}
