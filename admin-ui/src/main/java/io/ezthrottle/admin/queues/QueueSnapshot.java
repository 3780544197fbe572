package io.ezthrottle.admin.queues;

import java.util.List;
import java.util.Map;

/**
 * What the live queue view shows at one moment.
 *
 * @param at           epoch ms of the reading
 * @param total        every unfinished attempt (exact)
 * @param intake       entries of the any-region stream (exact)
 * @param regions      entries per region stream (exact)
 * @param delayed      entries waiting for a retry time (exact)
 * @param inFlight     requests in flight over the destinations shown
 * @param domains      backlog per destination: sampled stream entries plus (exact) overflow
 * @param tenants      sampled stream entries per tenant
 * @param accountQueues overflow streams per destination and account queue (exact)
 * @param sampled      stream entries read to split the backlog by destination and tenant
 * @param partial      whether a stream held more than the sample, so per-destination and per-tenant numbers are lower
 *                     bounds
 * @param deadLetterCount letters of all tenants
 * @param deadLetters  the newest letters
 */
public record QueueSnapshot(long at, long total, long intake, Map<String, Long> regions, long delayed, long inFlight,
                            List<DomainBacklog> domains, List<TenantBacklog> tenants, List<AccountQueue> accountQueues,
                            int sampled, boolean partial, long deadLetterCount, List<DeadLetterRow> deadLetters) {

    /**
     * @param destination pacing key (host plus non-default port)
     * @param queued      sampled entries in the intake and region streams
     * @param overflow    entries in its overflow streams
     * @param inFlight    requests in flight right now, cluster-wide
     */
    public record DomainBacklog(String destination, long queued, long overflow, long inFlight) {
        public long backlog() {
            return queued + overflow;
        }
    }

    public record TenantBacklog(String tenantId, long queued) {
    }

    public record AccountQueue(String destination, String account, long length) {
    }

    /** A dead letter as listed (no payload). */
    public record DeadLetterRow(String tenantId, String id, String jobId, String url, int attempts, long failedAt,
                                int lastStatus, String lastError) {
    }
}
