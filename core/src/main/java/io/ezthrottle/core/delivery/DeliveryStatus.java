package io.ezthrottle.core.delivery;

/** Where a job's delivery stands as a whole, judged by its quorum (compat-protocol §5.4, A21). */
public enum DeliveryStatus {
    /** Not enough voting webhooks have answered 2xx yet, and the quorum can still be met. */
    PENDING("pending"),
    /** The quorum of voting webhooks answered 2xx. */
    DELIVERED("delivered"),
    /** Too many voting webhooks were dead-lettered for the quorum ever to be met (a replay can revive it). */
    FAILED("failed");

    private final String wire;

    DeliveryStatus(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static DeliveryStatus fromWire(String wire) {
        for (DeliveryStatus s : values()) {
            if (s.wire.equals(wire)) {
                return s;
            }
        }
        return PENDING;
    }
}
