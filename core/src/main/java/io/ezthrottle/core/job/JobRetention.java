package io.ezthrottle.core.job;

import java.time.Duration;

/**
 * How long job records (and with them request and response bodies) live after their last state change
 * (compat-protocol §4, §6.6).
 *
 * @param queued    while queued or dispatching (default 24 h)
 * @param completed after success (default 30 min)
 * @param failed    after failure (default 2 h)
 */
public record JobRetention(Duration queued, Duration completed, Duration failed) {

    public static final JobRetention DEFAULT =
            new JobRetention(Duration.ofHours(24), Duration.ofMinutes(30), Duration.ofHours(2));

    public Duration forState(JobState state) {
        return switch (state) {
            case QUEUED, DISPATCHING -> queued;
            case COMPLETED -> completed;
            case FAILED -> failed;
        };
    }
}
