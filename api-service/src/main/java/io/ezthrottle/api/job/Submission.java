package io.ezthrottle.api.job;

import io.ezthrottle.core.job.JobRecord;

/**
 * The result of submitting a job.
 *
 * @param job       the new job, or the original one for a duplicate
 * @param duplicate whether the idempotency key was already known
 * @param failure   for a new job that failed the moment it was accepted (a strict region is unavailable): the
 *                  reason; its failed webhook is already on its way. Null otherwise.
 */
public record Submission(JobRecord job, boolean duplicate, String failure) {

    public Submission(JobRecord job, boolean duplicate) {
        this(job, duplicate, null);
    }

    /** Whether the job ended at once instead of being queued. */
    public boolean failedAtOnce() {
        return failure != null;
    }
}
