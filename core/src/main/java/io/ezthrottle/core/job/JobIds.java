package io.ezthrottle.core.job;

import java.security.SecureRandom;
import java.time.Clock;

/**
 * Job ids of the documented shape {@code job_<epoch ms>_<random digits>}: path-safe, sortable by time, and with
 * 60 bits of randomness so replicas never collide.
 */
public final class JobIds {

    private final SecureRandom random = new SecureRandom();
    private final Clock clock;

    public JobIds(Clock clock) {
        this.clock = clock;
    }

    public String next() {
        long r = random.nextLong() >>> 4;
        return "job_" + clock.millis() + "_" + r;
    }

    /** Whether a string could be one of our ids (cheap check before touching Redis). */
    public static boolean plausible(String id) {
        return id != null && id.length() <= 64 && id.matches("[A-Za-z0-9_-]+");
    }
}
