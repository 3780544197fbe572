package io.ezthrottle.worker.intake;

import io.ezthrottle.core.job.JobRecord;
import io.ezthrottle.core.job.JobSpec;
import io.ezthrottle.core.queue.QueueEntry;
import org.redisson.api.stream.StreamMessageId;

/**
 * A stream entry this worker holds: where it came from (acknowledged once its effects are durable), the attempt
 * it names, the job, the spec of the attempt's stage, and where it is paced.
 *
 * @param stream      key of the stream the entry was read from
 * @param entryId     the entry's id in that stream
 * @param entry       job, attempt and epoch
 * @param job         the job record as read when the entry arrived
 * @param stageSpec   the request this attempt sends (the job itself or one of its fallbacks)
 * @param destination pacing key of the request
 * @param account     account queue key (tenant + user), used when the destination is in account-queue mode
 * @param deadOwner   for an entry reclaimed from a dead worker, that worker's consumer name
 * @param heldSince   when this worker took the entry (nanoTime), for queue-delay metrics
 */
public record PendingJob(String stream, StreamMessageId entryId, QueueEntry entry, JobRecord job, JobSpec stageSpec,
                         String destination, String account, String deadOwner, long heldSince) {
}
