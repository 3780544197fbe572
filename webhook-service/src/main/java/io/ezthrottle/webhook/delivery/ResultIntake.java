package io.ezthrottle.webhook.delivery;

import java.time.Duration;
import java.util.Map;
import java.util.UUID;

import io.ezthrottle.core.job.redis.RedisJobStore;
import io.ezthrottle.core.redis.JobStreams;
import io.ezthrottle.core.redis.StreamGroups;
import io.ezthrottle.webhook.WebhookProperties;
import org.redisson.api.stream.StreamMessageId;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;

/**
 * Reads the results stream through the webhook group; each entry is acknowledged once its deliveries ended.
 */
@Component
public class ResultIntake implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ResultIntake.class);

    private final JobStreams streams;
    private final RedisJobStore jobs;
    private final ResultDeliveries deliveries;
    private final WebhookProperties properties;
    private final String consumer;
    private volatile boolean running;
    private Disposable loop;

    public ResultIntake(JobStreams streams, RedisJobStore jobs, ResultDeliveries deliveries, WebhookProperties properties) {
        this.streams = streams;
        this.jobs = jobs;
        this.deliveries = deliveries;
        this.properties = properties;
        this.consumer = properties.consumerName() != null && !properties.consumerName().isBlank()
                ? properties.consumerName() : "webhook-" + UUID.randomUUID().toString().substring(0, 8);
    }

    @Override
    public void start() {
        running = true;
        loop = streams.ensureGroup(streams.results(), StreamGroups.WEBHOOKS)
                .then(Mono.defer(this::pollOnce).repeat(() -> running).then())
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(200)).maxBackoff(Duration.ofSeconds(5))
                        .doBeforeRetry(s -> log.warn("result loop error, retrying: {}", s.failure().toString())))
                .subscribe();
    }

    private Mono<Void> pollOnce() {
        return streams.read(streams.results(), StreamGroups.WEBHOOKS, consumer, properties.batchSize(), properties.pollTimeout())
                .flatMapIterable(Map::entrySet)
                .doOnNext(e -> handle(e.getKey(), e.getValue().get(StreamGroups.JOB_ID)).subscribe())
                .then();
    }

    private Mono<Void> handle(StreamMessageId entryId, String jobId) {
        Mono<Void> work = jobId == null ? Mono.empty()
                : jobs.find(jobId).flatMap(deliveries::deliver)
                        .onErrorResume(e -> {
                            log.error("delivery failed job_id={}: {}", jobId, e.toString());
                            return Mono.empty();
                        });
        return work.then(Mono.defer(() -> streams.done(streams.results(), StreamGroups.WEBHOOKS, entryId)))
                .onErrorResume(e -> Mono.empty());
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
