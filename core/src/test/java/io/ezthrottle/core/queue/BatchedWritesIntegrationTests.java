package io.ezthrottle.core.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import io.ezthrottle.core.job.JobJson;
import io.ezthrottle.core.job.JobPayloadParser;
import io.ezthrottle.core.job.JobRecord;
import io.ezthrottle.core.job.JobRetention;
import io.ezthrottle.core.job.JobSpec;
import io.ezthrottle.core.job.JobState;
import io.ezthrottle.core.job.Surface;
import io.ezthrottle.core.job.redis.RedisJobStore;
import io.ezthrottle.core.redis.JobStreams;
import io.ezthrottle.core.redis.RedisClientFactory;
import io.ezthrottle.core.redis.RedisKeys;
import io.ezthrottle.testsupport.RedisTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.redisson.api.RedissonClient;
import org.redisson.api.stream.StreamMessageId;
import org.redisson.client.codec.StringCodec;
import reactor.core.publisher.Flux;
import tools.jackson.databind.json.JsonMapper;

/**
 * The writes every accepted job makes, issued concurrently as a burst of submissions issues them: concurrent calls
 * share one Redis call, and each must still land whole, once, and answer its own caller.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BatchedWritesIntegrationTests {

    private static final Duration T = Duration.ofSeconds(20);
    private static final int BURST = 300;
    private static final JobRetention RETENTION =
            new JobRetention(Duration.ofHours(24), Duration.ofMinutes(30), Duration.ofHours(2));

    private RedissonClient redisson;
    private RedisKeys keys;
    private JobQueue queue;
    private RedisJobStore jobs;

    @BeforeAll
    void connect() {
        redisson = RedisClientFactory.create(RedisTestServer.shared().url(), 4);
        keys = new RedisKeys("tst-" + UUID.randomUUID());
        var reactive = redisson.reactive();
        Clock clock = Clock.systemUTC();
        queue = new JobQueue(reactive, keys, new AttemptLedger(reactive, keys, RETENTION, clock),
                new LiveRegions(reactive, keys, clock), new JobStreams(reactive, keys), clock);
        jobs = new RedisJobStore(reactive, redisson, keys, new JobJson(), RETENTION, clock);
    }

    @AfterAll
    void disconnect() {
        redisson.shutdown();
    }

    @Test
    void aBurstOfQueueEntriesLandsOnceEachAndEachCallerGetsItsOwnEntry() {
        String run = UUID.randomUUID().toString().substring(0, 8);
        List<Map.Entry<QueueEntry, StreamMessageId>> published = Flux.range(0, BURST)
                .flatMap(i -> {
                    QueueEntry e = new QueueEntry("job_" + run + "_" + i,
                            i % 3 == 0 ? new AttemptId(0, "iad") : new AttemptId(1, AttemptId.ANY_REGION), i);
                    return queue.publish(e).map(id -> Map.entry(e, id));
                }, BURST)
                .collectList().block(T);

        assertThat(published).hasSize(BURST);
        Map<StreamMessageId, Map<String, String>> anyRegion =
                redisson.<String, String>getStream(keys.jobStream(), StringCodec.INSTANCE).range(StreamMessageId.MIN, StreamMessageId.MAX);
        Map<StreamMessageId, Map<String, String>> iad =
                redisson.<String, String>getStream(keys.regionStream("iad"), StringCodec.INSTANCE).range(StreamMessageId.MIN, StreamMessageId.MAX);
        assertThat(anyRegion.size() + iad.size()).isEqualTo(BURST);
        assertThat(iad).hasSize(BURST / 3);
        Set<String> ids = new HashSet<>(); // ids are unique within a stream, not across streams
        for (var p : published) {
            QueueEntry entry = p.getKey();
            var stream = entry.attempt().anyRegion() ? anyRegion : iad;
            assertThat(ids.add(entry.attempt().region() + " " + p.getValue())).as("entry ids are distinct").isTrue();
            assertThat(QueueEntry.from(stream.get(p.getValue()))).as("the id answered is the caller's entry")
                    .isEqualTo(entry);
        }
    }

    @Test
    void aBurstOfNewRecordsIsStoredWholeWithTheQueuedLifetime() {
        JobSpec spec = new JobPayloadParser().parse(JsonMapper.builder().build().readTree(
                "{\"url\": \"https://api.example.test/x\", \"method\": \"POST\", \"body\": \"{}\"}"));
        long now = System.currentTimeMillis();
        List<JobRecord> records = Flux.range(0, BURST)
                .map(i -> new JobRecord("job_1_" + UUID.randomUUID().toString().replace("-", ""), "tenant-" + (i % 7),
                        Surface.CLOUD, JobState.QUEUED, spec, "key-" + i, now, now, 0, null, null, null))
                .collectList().block(T);

        Flux.fromIterable(records).flatMap(r -> jobs.create(r, List.of("0@*")), BURST).then().block(T);

        for (JobRecord r : records) {
            JobRecord stored = jobs.find(r.id()).block(T);
            assertThat(stored).as(r.id()).isNotNull();
            assertThat(stored.tenantId()).isEqualTo(r.tenantId());
            assertThat(stored.idempotentKey()).isEqualTo(r.idempotentKey());
            assertThat(stored.state()).isEqualTo(JobState.QUEUED);
            assertThat(stored.spec().url()).isEqualTo("https://api.example.test/x");
            var hash = redisson.<String, String>getMap(keys.job(r.id()), StringCodec.INSTANCE);
            assertThat(hash.get("a:0@*")).isEqualTo("queued");
            assertThat(hash.remainTimeToLive()).isBetween(RETENTION.queued().toMillis() - 60_000,
                    RETENTION.queued().toMillis());
        }
    }
}
