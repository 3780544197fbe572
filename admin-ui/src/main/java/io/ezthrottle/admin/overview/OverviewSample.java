package io.ezthrottle.admin.overview;

/**
 * One point of the Overview charts.
 *
 * @param at                epoch ms
 * @param submitted         jobs accepted per second since the previous point
 * @param dispatched        upstream attempts started per second
 * @param completed         jobs completed per second
 * @param failed            jobs failed per second
 * @param backlog           unfinished attempts now (streams, overflow, delayed)
 * @param webhooksDelivered webhooks answered 2xx among the deliveries looked at during this interval
 * @param webhookAttempts   attempts made on those deliveries
 */
public record OverviewSample(long at, double submitted, double dispatched, double completed, double failed, long backlog,
                             long webhooksDelivered, long webhookAttempts) {

    /** Share of webhook attempts that succeeded, in percent, or null when none were looked at. */
    public Double webhookSuccess() {
        return webhookAttempts == 0 ? null : 100.0 * webhooksDelivered / webhookAttempts;
    }
}
