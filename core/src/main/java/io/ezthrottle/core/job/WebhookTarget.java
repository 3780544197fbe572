package io.ezthrottle.core.job;

import java.util.List;

/**
 * One result destination of a job.
 *
 * @param url           absolute http(s) URL the result is POSTed to
 * @param regions       regions to deliver from (ignored on a single-region deployment)
 * @param hasQuorumVote whether a 2xx from this webhook counts toward the job's webhook quorum
 */
public record WebhookTarget(String url, List<String> regions, boolean hasQuorumVote) {
    public WebhookTarget {
        regions = regions == null ? List.of() : List.copyOf(regions);
    }
}
