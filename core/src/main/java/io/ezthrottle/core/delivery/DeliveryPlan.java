package io.ezthrottle.core.delivery;

import java.util.List;

import io.ezthrottle.core.job.Surface;

/**
 * What to deliver for one finished job: the body (serialised once, so every webhook and every attempt sends the
 * same bytes) and where.
 *
 * @param jobId    the job
 * @param tenantId its owner (whose secret signs the attempts)
 * @param surface  the surface that created the job
 * @param body     the webhook payload, JSON text
 * @param quorum   the job's {@code webhook_quorum}
 * @param targets  the webhooks, in the job's order
 */
public record DeliveryPlan(String jobId, String tenantId, Surface surface, String body, int quorum,
                           List<Target> targets) {

    public DeliveryPlan {
        targets = List.copyOf(targets);
    }

    /** Votes needed: the quorum, but never more than there are voters (an unreachable quorum helps nobody). */
    public int votesNeeded() {
        return (int) Math.min(quorum, voters());
    }

    public long voters() {
        return targets.stream().filter(Target::vote).count();
    }

    /**
     * One webhook.
     *
     * @param url  where the body is POSTed
     * @param vote whether its 2xx counts toward the quorum
     */
    public record Target(String url, boolean vote) {
    }
}
