package io.ezthrottle.webhook.delivery;

import io.ezthrottle.core.delivery.DeliveryPlan;
import io.ezthrottle.core.job.JobRecord;
import io.ezthrottle.core.job.WebhookTarget;
import org.springframework.stereotype.Component;

/** Turns a finished job into what its delivery needs: one payload, its webhooks and quorum. */
@Component
public class DeliveryPlanner {

    private final WebhookPayloads payloads;

    public DeliveryPlanner(WebhookPayloads payloads) {
        this.payloads = payloads;
    }

    /** The plan, or null when the job has no webhooks (nothing to deliver). */
    public DeliveryPlan plan(JobRecord job) {
        if (job.spec().webhooks().isEmpty()) {
            return null;
        }
        return new DeliveryPlan(job.id(), job.tenantId(), job.surface(), payloads.body(job), job.spec().webhookQuorum(),
                job.spec().webhooks().stream().map(DeliveryPlanner::target).toList());
    }

    private static DeliveryPlan.Target target(WebhookTarget w) {
        return new DeliveryPlan.Target(w.url(), w.hasQuorumVote());
    }
}
