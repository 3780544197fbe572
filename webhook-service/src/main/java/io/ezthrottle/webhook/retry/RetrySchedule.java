package io.ezthrottle.webhook.retry;

import java.time.Duration;
import java.util.List;
import java.util.function.DoubleSupplier;

/**
 * The delivery retry schedule as a pure function: the configured delays (the last one repeating) with jitter, a
 * receiver's {@code Retry-After} as a lower bound, and a give-up horizon measured from the first attempt.
 * {@code uniform} supplies numbers in [0, 1) for the jitter (tests pass a constant).
 */
public final class RetrySchedule {

    private final List<Duration> delays;
    private final Duration giveUpAfter;
    private final double jitter;
    private final Duration maxRetryAfter;
    private final DoubleSupplier uniform;

    public RetrySchedule(List<Duration> delays, Duration giveUpAfter, double jitter, Duration maxRetryAfter,
                         DoubleSupplier uniform) {
        this.delays = List.copyOf(delays);
        this.giveUpAfter = giveUpAfter;
        this.jitter = jitter;
        this.maxRetryAfter = maxRetryAfter;
        this.uniform = uniform;
    }

    /**
     * Decides after a failed attempt.
     *
     * @param attemptsMade attempts made so far, including the one that just failed (≥ 1)
     * @param firstAt      epoch ms of the first attempt
     * @param now          epoch ms now
     * @param retryAfter   the receiver's {@code Retry-After}, or null
     * @param permanent    whether the failure can never succeed (no retry then)
     */
    public RetryDecision next(int attemptsMade, long firstAt, long now, Duration retryAfter, boolean permanent) {
        if (permanent) {
            return new RetryDecision.GiveUp();
        }
        Duration delay = jittered(delays.get(Math.min(Math.max(attemptsMade, 1), delays.size() - 1)));
        if (retryAfter != null && !retryAfter.isNegative()) {
            Duration asked = retryAfter.compareTo(maxRetryAfter) > 0 ? maxRetryAfter : retryAfter;
            delay = asked.compareTo(delay) > 0 ? asked : delay;
        }
        if (now + delay.toMillis() > firstAt + giveUpAfter.toMillis()) {
            return new RetryDecision.GiveUp();
        }
        return new RetryDecision.Retry(delay);
    }

    /** The delay before the first attempt (normally zero). */
    public Duration first() {
        return delays.get(0);
    }

    private Duration jittered(Duration base) {
        if (jitter == 0 || base.isZero()) {
            return base;
        }
        double factor = 1 + jitter * (uniform.getAsDouble() * 2 - 1);
        return Duration.ofMillis(Math.max(0, Math.round(base.toMillis() * factor)));
    }
}
