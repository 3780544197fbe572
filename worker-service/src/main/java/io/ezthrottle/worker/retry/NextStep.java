package io.ezthrottle.worker.retry;

import java.time.Duration;

/**
 * What happens after one upstream attempt (compat-protocol §6.5), as a value.
 *
 * @param kind          the decision
 * @param delay         for {@link Kind#RETRY}: wait before the next try
 * @param rerouteRegion for {@link Kind#REROUTE}: where the attempt moves
 */
public record NextStep(Kind kind, Duration delay, String rerouteRegion) {

    /** Decision kinds. */
    public enum Kind {
        /** The upstream answered 2xx (or, on the local surface, answered at all): the job succeeds. */
        SUCCEED,
        /** Try again in the same region after {@link #delay()}. */
        RETRY,
        /** Move the attempt to another region. */
        REROUTE,
        /** Start the next fallback stage at once (its on_error trigger matched). */
        FALLBACK,
        /** This attempt failed for good; the fallback chain or on_failure decides what follows. */
        FAIL
    }

    public static NextStep succeed() {
        return new NextStep(Kind.SUCCEED, Duration.ZERO, null);
    }

    public static NextStep fail() {
        return new NextStep(Kind.FAIL, Duration.ZERO, null);
    }

    public static NextStep fallback() {
        return new NextStep(Kind.FALLBACK, Duration.ZERO, null);
    }

    /** Pausing the whole destination is not the job's business but {@link DestinationBackoff}'s. */
    public static NextStep retry(Duration delay) {
        return new NextStep(Kind.RETRY, delay, null);
    }

    public static NextStep reroute(String region) {
        return new NextStep(Kind.REROUTE, Duration.ZERO, region);
    }
}
