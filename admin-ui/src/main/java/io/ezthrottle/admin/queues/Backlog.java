package io.ezthrottle.admin.queues;

import java.util.Map;

/**
 * Unfinished work in Redis, counted exactly. Stream entries are deleted once their work is durable elsewhere, so a
 * stream's length is its backlog (including entries a worker holds or is running).
 *
 * @param intake   entries of the any-region job stream
 * @param regions  entries of each region's job stream
 * @param overflow entries of each overflow stream (a destination's jobs beyond what the workers hold)
 * @param delayed  entries waiting for a retry time or {@code retry_at}
 */
public record Backlog(long intake, Map<String, Long> regions, Map<OverflowStream, Long> overflow, long delayed) {

    /** Every job attempt not finished yet, waiting now or later. */
    public long total() {
        return intake + sum(regions) + sum(overflow) + delayed;
    }

    private static long sum(Map<?, Long> counts) {
        return counts.values().stream().mapToLong(Long::longValue).sum();
    }
}
