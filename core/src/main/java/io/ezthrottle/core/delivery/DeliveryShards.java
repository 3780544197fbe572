package io.ezthrottle.core.delivery;

/**
 * Which delivery shard a job belongs to. A delivery's state hash and the schedule of its attempts must share a
 * Redis hash tag (one script updates both), and one schedule for everything would put all delivery traffic on
 * one Cluster node; a fixed number of shards is the compromise.
 *
 * <p>The count is a constant on purpose: every replica of every service must agree on it, and changing it would
 * strand the attempts already scheduled in the old shards.
 */
public final class DeliveryShards {

    /** Number of shards; do not change on a running installation. */
    public static final int COUNT = 8;

    private DeliveryShards() {
    }

    /** The shard of a job ({@link String#hashCode()} is specified, so every JVM agrees). */
    public static int of(String jobId) {
        return Math.floorMod(jobId.hashCode(), COUNT);
    }
}
