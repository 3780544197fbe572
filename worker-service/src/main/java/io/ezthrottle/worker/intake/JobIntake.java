package io.ezthrottle.worker.intake;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import io.ezthrottle.core.config.CoreProperties;
import io.ezthrottle.core.job.redis.RedisJobStore;
import io.ezthrottle.core.redis.JobStreams;
import io.ezthrottle.core.redis.StreamGroups;
import io.ezthrottle.core.throttle.Destination;
import io.ezthrottle.worker.WorkerProperties;
import io.ezthrottle.worker.dispatch.JobRunner;
import io.ezthrottle.worker.pacing.DestinationLanes;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.redisson.api.stream.StreamMessageId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Reads the intake stream through the workers' consumer group and hands each job to its destination lane. Reads
 * only while this worker holds fewer than {@code maxLocalJobs}, so memory stays bounded under any backlog.
 */
@Component
public class JobIntake implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(JobIntake.class);

    private final JobStreams streams;
    private final RedisJobStore jobs;
    private final DestinationLanes lanes;
    private final JobRunner runner;
    private final WorkerProperties properties;
    private final String consumer;
    private final AtomicInteger held = new AtomicInteger();
    private volatile boolean running;
    private Disposable loop;

    public JobIntake(JobStreams streams, RedisJobStore jobs, DestinationLanes lanes, JobRunner runner,
                     WorkerProperties properties, CoreProperties core, MeterRegistry meters) {
        this.streams = streams;
        this.jobs = jobs;
        this.lanes = lanes;
        this.runner = runner;
        this.properties = properties;
        this.consumer = properties.consumerName() != null && !properties.consumerName().isBlank()
                ? properties.consumerName()
                : core.region() + "-" + UUID.randomUUID().toString().substring(0, 8);
        Gauge.builder("ezthrottle.worker.held.jobs", held, AtomicInteger::get).register(meters);
    }

    @Override
    public void start() {
        running = true;
        loop = streams.ensureGroup(streams.intake(), StreamGroups.WORKERS)
                .then(Mono.defer(this::pollOnce).repeat(() -> running).then())
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(200)).maxBackoff(Duration.ofSeconds(5))
                        .doBeforeRetry(s -> log.warn("intake loop error, retrying: {}", s.failure().toString())))
                .subscribe();
        log.info("worker consumer {} reading {}", consumer, StreamGroups.WORKERS);
    }

    private Mono<Void> pollOnce() {
        int room = properties.maxLocalJobs() - held.get();
        if (room <= 0) {
            return Mono.delay(Duration.ofMillis(50)).then();
        }
        return streams.read(streams.intake(), StreamGroups.WORKERS, consumer, Math.min(room, properties.batchSize()),
                        properties.pollTimeout())
                .flatMapIterable(Map::entrySet)
                .concatMap(e -> accept(e.getKey(), e.getValue().get(StreamGroups.JOB_ID)))
                .then();
    }

    private Mono<Void> accept(StreamMessageId entryId, String jobId) {
        if (jobId == null) {
            return streams.done(streams.intake(), StreamGroups.WORKERS, entryId);
        }
        return jobs.find(jobId)
                .map(job -> {
                    held.incrementAndGet();
                    lanes.enqueue(new PendingJob(entryId, job, Destination.of(job.spec().url())), this::dispatch);
                    return true;
                })
                .switchIfEmpty(Mono.defer(() -> {
                    log.warn("job record missing (expired?) job_id={}; dropping its stream entry", jobId);
                    return streams.done(streams.intake(), StreamGroups.WORKERS, entryId).thenReturn(false);
                }))
                .then();
    }

    private void dispatch(PendingJob job) {
        runner.run(job).doFinally(s -> held.decrementAndGet()).subscribe();
    }

    public String consumerName() {
        return consumer;
    }

    @Override
    public void stop() {
        running = false;
        if (loop != null) {
            loop.dispose();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
