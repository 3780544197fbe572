package io.ezthrottle.core.redis;

/** Consumer-group names on the platform's streams. */
public final class StreamGroups {
    /** Group of worker-service replicas on {@link RedisKeys#jobStream()}. */
    public static final String WORKERS = "workers";
    /** Group of webhook-service replicas on {@link RedisKeys#resultStream()}. */
    public static final String WEBHOOKS = "webhooks";
    /** Field of a stream entry that carries the job id. */
    public static final String JOB_ID = "job_id";

    private StreamGroups() {
    }
}
