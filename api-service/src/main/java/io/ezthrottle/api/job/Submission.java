package io.ezthrottle.api.job;

import io.ezthrottle.core.job.JobRecord;

/**
 * The result of submitting a job.
 *
 * @param job       the new job, or the original one for a duplicate
 * @param duplicate whether the idempotency key was already known
 */
public record Submission(JobRecord job, boolean duplicate) {
}
