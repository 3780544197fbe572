package io.ezthrottle.launcher;

import java.util.List;

import io.ezthrottle.testsupport.HttpStub;

/** Measurements over the arrival times of requests at an upstream stub. */
final class Arrivals {

    private final long[] nanos;

    Arrivals(List<HttpStub.Request> requests) {
        nanos = requests.stream().mapToLong(HttpStub.Request::arrivedNanos).sorted().toArray();
    }

    /** Smallest gap between two consecutive arrivals, in ms. */
    long minGapMillis() {
        long min = Long.MAX_VALUE;
        for (int i = 1; i < nanos.length; i++) {
            min = Math.min(min, nanos[i] - nanos[i - 1]);
        }
        return min / 1_000_000;
    }

    /** Most arrivals inside any window of {@code windowMillis} that starts at an arrival. */
    int maxInWindow(long windowMillis) {
        int best = 0;
        int j = 0;
        for (int i = 0; i < nanos.length; i++) {
            while (j < nanos.length && nanos[j] - nanos[i] < windowMillis * 1_000_000) {
                j++;
            }
            best = Math.max(best, j - i);
        }
        return best;
    }

    /** Gaps (ms) around the busiest one-second window, for failure messages. */
    String describeBusiest(long windowMillis) {
        int best = 0, at = 0, j = 0;
        for (int i = 0; i < nanos.length; i++) {
            while (j < nanos.length && nanos[j] - nanos[i] < windowMillis * 1_000_000) {
                j++;
            }
            if (j - i > best) {
                best = j - i;
                at = i;
            }
        }
        StringBuilder sb = new StringBuilder("gaps(ms) from arrival " + at + ":");
        for (int k = Math.max(1, at - 2); k < Math.min(nanos.length, at + best + 2); k++) {
            sb.append(' ').append((nanos[k] - nanos[k - 1]) / 1_000_000);
        }
        return sb.toString();
    }

    /** Average rate from the first to the last arrival, per second. */
    double ratePerSecond() {
        double seconds = (nanos[nanos.length - 1] - nanos[0]) / 1e9;
        return (nanos.length - 1) / seconds;
    }
}
