package io.ezthrottle.core.delivery;

import java.util.List;

/**
 * A job's delivery as an observer sees it (no body, no secrets).
 *
 * @param jobId       the job
 * @param tenantId    its owner
 * @param status      quorum outcome so far
 * @param votesNeeded 2xx answers of voting webhooks required
 * @param votes       2xx answers of voting webhooks so far
 * @param createdAt   epoch ms the delivery was planned
 * @param finishedAt  epoch ms no webhook had attempts left, or 0
 * @param targets     one entry per webhook, in the job's order
 */
public record DeliveryView(String jobId, String tenantId, DeliveryStatus status, int votesNeeded, int votes,
                           long createdAt, long finishedAt, List<TargetView> targets) {

    /**
     * One webhook's delivery.
     *
     * @param index       position in the job's webhook list
     * @param url         the webhook
     * @param vote        whether it counts toward the quorum
     * @param state       {@code pending}, {@code delivered}, {@code dead} (dead-lettered) or {@code cancelled}
     *                    (a voting webhook no longer needed once the quorum was met)
     * @param attempts    attempts made
     * @param lastStatus  HTTP status of the last attempt, 0 when it got no HTTP answer
     * @param lastError   why the last attempt failed, or null
     * @param nextAt      epoch ms of the next attempt while pending, else 0
     * @param deliveredAt epoch ms of the 2xx, or 0
     * @param deadLetter  id of its dead letter, or null
     */
    public record TargetView(int index, String url, boolean vote, String state, int attempts, int lastStatus,
                             String lastError, long nextAt, long deliveredAt, String deadLetter) {
    }
}
