package io.ezthrottle.core.delivery;

/**
 * Names one webhook of one job's delivery: the member of the schedule sorted set ({@code <job id>#<index>}).
 *
 * @param jobId the job whose result is delivered
 * @param index position of the webhook in the job's webhook list
 */
public record AttemptRef(String jobId, int index) {

    public String member() {
        return jobId + "#" + index;
    }

    public int shard() {
        return DeliveryShards.of(jobId);
    }

    /** Parses a schedule member; null when it is malformed. */
    public static AttemptRef parse(String member) {
        int hash = member.lastIndexOf('#');
        if (hash <= 0) {
            return null;
        }
        try {
            return new AttemptRef(member.substring(0, hash), Integer.parseInt(member.substring(hash + 1)));
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
