package io.ezthrottle.core.queue;

import java.util.List;
import java.util.Map;

/**
 * What a stream entry or a delayed entry carries: a job, one of its attempts, and the attempt's epoch. The epoch
 * changes whenever the attempt is re-queued, so an older duplicate entry is recognised as stale and dropped.
 */
public record QueueEntry(String jobId, AttemptId attempt, long epoch) {

    public static final String JOB_ID = "job_id";
    public static final String ATTEMPT = "attempt";
    public static final String EPOCH = "epoch";
    /** The fields of a stream entry, in the order of {@link #values()}. */
    public static final List<String> FIELDS = List.of(JOB_ID, ATTEMPT, EPOCH);

    public Map<String, String> fields() {
        return Map.of(JOB_ID, jobId, ATTEMPT, attempt.toString(), EPOCH, Long.toString(epoch));
    }

    /** The stream entry's values, in the order of {@link #FIELDS}. */
    public List<String> values() {
        return List.of(jobId, attempt.toString(), Long.toString(epoch));
    }

    /** Reads stream fields; entries without attempt fields (older producers) mean stage 0 in any region. */
    public static QueueEntry from(Map<String, String> fields) {
        String job = fields.get(JOB_ID);
        if (job == null) {
            return null;
        }
        String attempt = fields.getOrDefault(ATTEMPT, "0@" + AttemptId.ANY_REGION);
        return new QueueEntry(job, AttemptId.parse(attempt), Long.parseLong(fields.getOrDefault(EPOCH, "0")));
    }

    /** Compact form used as a member of the delayed sorted set. */
    public String member() {
        return "E|" + jobId + "|" + attempt + "|" + epoch;
    }

    public static QueueEntry fromMember(String member) {
        String[] p = member.split("\\|");
        return new QueueEntry(p[1], AttemptId.parse(p[2]), Long.parseLong(p[3]));
    }
}
