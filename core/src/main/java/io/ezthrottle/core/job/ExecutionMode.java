package io.ezthrottle.core.job;

/** How a job listing several regions runs: race (first success wins) or fanout (every region executes). */
public enum ExecutionMode {
    RACE("race"), FANOUT("fanout");

    private final String wire;

    ExecutionMode(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public static ExecutionMode fromWire(String value) {
        for (ExecutionMode m : values()) {
            if (m.wire.equalsIgnoreCase(value)) {
                return m;
            }
        }
        return null;
    }
}
