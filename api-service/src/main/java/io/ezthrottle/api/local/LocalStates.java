package io.ezthrottle.api.local;

import io.ezthrottle.core.job.JobRecord;

/**
 * Job states in the local surface's words (§1.6): {@code queued}, {@code in_flight}, {@code completed},
 * {@code failed}. There "completed" means an HTTP answer was obtained, whatever its status (§6.5), and "failed"
 * only a transport failure.
 */
final class LocalStates {

    private LocalStates() {
    }

    static String of(JobRecord job) {
        return switch (job.state()) {
            case QUEUED -> "queued";
            case DISPATCHING -> "in_flight";
            case COMPLETED -> "completed";
            case FAILED -> job.response() != null ? "completed" : "failed";
        };
    }
}
