package io.ezthrottle.webhook.delivery;

import java.time.Duration;

/** What one POST to a webhook produced, classified once. */
public sealed interface AttemptOutcome {

    /** The receiver answered 2xx. */
    record Delivered(int status) implements AttemptOutcome {
    }

    /** The receiver answered something else; {@code retryAfter} is its {@code Retry-After}, or null. */
    record Refused(int status, Duration retryAfter) implements AttemptOutcome {
        public String error() {
            return "receiver answered " + status;
        }
    }

    /**
     * No HTTP answer: connection refused, timeout, TLS failure, or an address the egress policy forbids.
     *
     * @param error     human-readable reason
     * @param permanent true when retrying cannot help (a forbidden address)
     */
    record Unreachable(String error, boolean permanent) implements AttemptOutcome {
    }
}
