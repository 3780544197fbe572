package io.ezthrottle.webhook.retry;

import java.time.Duration;

/** What happens after a failed attempt: another one later, or the dead-letter stream. */
public sealed interface RetryDecision {

    /** Try again after {@code delay}. */
    record Retry(Duration delay) implements RetryDecision {
    }

    /** Stop: the schedule is exhausted or the failure is permanent. */
    record GiveUp() implements RetryDecision {
    }
}
