package io.ezthrottle.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.ezthrottle.core.redis.RedisKeys;
import io.ezthrottle.core.redis.StreamGroups;
import io.ezthrottle.testsupport.Await;
import io.ezthrottle.testsupport.HttpStub;
import io.ezthrottle.worker.region.WorkerIdentity;
import org.junit.jupiter.api.Test;
import org.redisson.api.RScript;
import org.redisson.api.RedissonClient;
import org.redisson.client.codec.StringCodec;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * An entry pending for a live worker that no longer holds it (its claim or parking failed on a Redis error) is not
 * left pending for as long as that worker lives: the worker takes it up again and the job ends.
 */
class OrphanedEntryIntegrationTests {

    /**
     * Appends an entry and delivers it to the worker's consumer in one step, so the worker's own blocking read cannot
     * get it first: pending for the worker, held by nobody, exactly what a failed claim leaves behind.
     */
    private static final String ORPHAN = """
            local id = redis.call('XADD', KEYS[1], '*', 'job_id', ARGV[1], 'attempt', '0@*', 'epoch', '0')
            redis.call('XREADGROUP', 'GROUP', ARGV[3], ARGV[2], 'COUNT', '1', 'STREAMS', KEYS[1], '>')
            return id
            """;

    @Test
    void anEntryTheWorkerDroppedIsTakenUpAgainAndTheJobCompletes() {
        try (TestPlatform platform = new TestPlatform(1, "--ezthrottle.worker.orphan-idle=1s");
             HttpStub upstream = new HttpStub()) {
            // A job whose own entry waits an hour (retry_at), so the only entry that can run it is the orphan.
            long inAnHour = System.currentTimeMillis() + 3_600_000L;
            String id = platform.json(platform.post("/api/v1/jobs", """
                    {"url": "%s/orphan", "idempotent_key": "%s", "retry_at": %d}
                    """.formatted(upstream.url(), UUID.randomUUID(), inAnHour))).path("job_id").asString();
            ConfigurableApplicationContext worker = platform.workers().get(0);
            String consumer = worker.getBean(WorkerIdentity.class).consumer();
            String stream = worker.getBean(RedisKeys.class).jobStream();
            String entry = worker.getBean(RedissonClient.class).getScript(StringCodec.INSTANCE).eval(
                    RScript.Mode.READ_WRITE, ORPHAN, RScript.ReturnType.VALUE, List.of(stream), id, consumer,
                    StreamGroups.WORKERS);
            assertThat(entry).isNotBlank();

            upstream.awaitCount(1, Duration.ofSeconds(30));
            Await.until(() -> "completed".equals(platform.json(platform.get("/api/v1/jobs/" + id)).path("status").asString()),
                    Duration.ofSeconds(15), () -> "job " + id + " not completed");
            assertThat(upstream.count()).as("calls for the one orphaned entry").isEqualTo(1);
        }
    }
}
