package io.ezthrottle.core.delivery;

import io.ezthrottle.core.job.Surface;

/**
 * Everything needed to make one delivery attempt, as read from the delivery's state when the attempt was claimed.
 *
 * @param ref      which webhook of which job
 * @param tenantId owner of the job (whose secret signs the attempt)
 * @param surface  surface that created the job
 * @param body     the payload, identical for every attempt
 * @param url      the webhook URL
 * @param vote     whether it counts toward the quorum
 * @param attempts attempts already made for this webhook
 * @param firstAt  epoch ms (Redis time) of the first attempt; the give-up horizon counts from here
 */
public record PendingAttempt(AttemptRef ref, String tenantId, Surface surface, String body, String url, boolean vote,
                             int attempts, long firstAt) {
}
