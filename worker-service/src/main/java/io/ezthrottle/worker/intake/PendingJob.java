package io.ezthrottle.worker.intake;

import io.ezthrottle.core.job.JobRecord;
import org.redisson.api.stream.StreamMessageId;

/**
 * A job this worker holds: its intake-stream entry (acknowledged once the outcome is durable) and its record.
 */
public record PendingJob(StreamMessageId entryId, JobRecord job, String destination) {
}
