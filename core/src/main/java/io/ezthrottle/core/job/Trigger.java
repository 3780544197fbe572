package io.ezthrottle.core.job;

import java.util.List;

/**
 * When a fallback job starts. An empty trigger (no type) means "on any final failure of the parent".
 *
 * @param type      {@link Type#ON_ERROR}, {@link Type#ON_TIMEOUT}, or null for "any final failure"
 * @param codes     for on_error: final statuses of the parent attempt that start the fallback; empty = any failure
 * @param timeoutMs for on_timeout: start the fallback when the parent has not finished after this long
 */
public record Trigger(Type type, List<Integer> codes, Long timeoutMs) {

    public static final Trigger ANY_FAILURE = new Trigger(null, List.of(), null);

    public Trigger {
        codes = codes == null ? List.of() : List.copyOf(codes);
    }

    /** Trigger kinds, with their wire names. */
    public enum Type {
        ON_ERROR("on_error"), ON_TIMEOUT("on_timeout");

        private final String wire;

        Type(String wire) {
            this.wire = wire;
        }

        public String wire() {
            return wire;
        }

        public static Type fromWire(String value) {
            for (Type t : values()) {
                if (t.wire.equalsIgnoreCase(value)) {
                    return t;
                }
            }
            return null;
        }
    }
}
