package io.ezthrottle.core.job;

import java.util.EnumSet;
import java.util.Set;

/**
 * The job lifecycle. Transitions are whitelisted here and enforced atomically in Redis by
 * {@link io.ezthrottle.core.job.redis.RedisJobStore}: a job never leaves a terminal state.
 */
public enum JobState {
    QUEUED("queued"),
    DISPATCHING("dispatching"),
    COMPLETED("completed"),
    FAILED("failed");

    private final String wire;

    JobState(String wire) {
        this.wire = wire;
    }

    public String wire() {
        return wire;
    }

    public boolean terminal() {
        return this == COMPLETED || this == FAILED;
    }

    /** States from which a job may move into this one. */
    public Set<JobState> allowedFrom() {
        return switch (this) {
            case QUEUED -> EnumSet.of(DISPATCHING); // handed back after a crash or a retry wait
            case DISPATCHING -> EnumSet.of(QUEUED, DISPATCHING);
            case COMPLETED, FAILED -> EnumSet.of(QUEUED, DISPATCHING);
        };
    }

    public static JobState fromWire(String wire) {
        for (JobState s : values()) {
            if (s.wire.equals(wire)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown job state " + wire);
    }
}
