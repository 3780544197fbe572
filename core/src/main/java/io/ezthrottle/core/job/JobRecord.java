package io.ezthrottle.core.job;

/**
 * A job as stored: its spec plus lifecycle data.
 *
 * @param id            job id ({@code job_<epoch ms>_<random>})
 * @param tenantId      owning tenant
 * @param surface       surface that created it
 * @param state         lifecycle state
 * @param spec          the normalised request
 * @param idempotentKey key returned to the client (theirs verbatim or the generated hash)
 * @param createdAt     epoch ms of acceptance
 * @param updatedAt     epoch ms of the last state change
 * @param attempts      upstream attempts made so far
 * @param response      the deciding upstream response, once there is one
 * @param error         human-readable failure reason, when failed
 * @param parentJobId   for an on_success / on_failure child: the job that spawned it
 */
public record JobRecord(String id, String tenantId, Surface surface, JobState state, JobSpec spec,
                        String idempotentKey, long createdAt, long updatedAt, int attempts,
                        UpstreamResponse response, String error, String parentJobId) {
}
