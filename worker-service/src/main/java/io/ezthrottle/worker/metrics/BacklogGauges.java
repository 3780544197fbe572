package io.ezthrottle.worker.metrics;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import io.ezthrottle.core.queue.JobQueue;
import io.ezthrottle.core.redis.JobStreams;
import io.ezthrottle.core.redis.RedisKeys;
import io.ezthrottle.worker.region.WorkerIdentity;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The queue backlog as Prometheus gauges ({@code ezthrottle_stream_backlog{stream="jobs"|"region"|"delayed"}}),
 * the custom metric the Kubernetes autoscalers scale workers on. Entries are deleted once acknowledged, so a
 * stream's length is exactly its unfinished work.
 */
@Component
public class BacklogGauges implements SmartLifecycle {

    private final AtomicLong jobs = new AtomicLong();
    private final AtomicLong region = new AtomicLong();
    private final AtomicLong delayed = new AtomicLong();
    private final JobStreams streams;
    private final RedisKeys keys;
    private final JobQueue queue;
    private final WorkerIdentity identity;
    private volatile Disposable loop;

    public BacklogGauges(JobStreams streams, RedisKeys keys, JobQueue queue, WorkerIdentity identity, MeterRegistry meters) {
        this.streams = streams;
        this.keys = keys;
        this.queue = queue;
        this.identity = identity;
        Gauge.builder("ezthrottle.stream.backlog", jobs, AtomicLong::get).tag("stream", "jobs")
                .description("unfinished entries of the any-region job stream").register(meters);
        Gauge.builder("ezthrottle.stream.backlog", region, AtomicLong::get).tag("stream", "region")
                .description("unfinished entries of this worker's region stream").register(meters);
        Gauge.builder("ezthrottle.stream.backlog", delayed, AtomicLong::get).tag("stream", "delayed")
                .description("entries waiting for a retry time or retry_at").register(meters);
    }

    @Override
    public void start() {
        loop = Flux.interval(Duration.ZERO, Duration.ofSeconds(5))
                .onBackpressureDrop()
                .concatMap(t -> Mono.zip(
                                streams.stream(keys.jobStream()).size(),
                                streams.stream(keys.regionStream(identity.region())).size(),
                                queue.delayedCount())
                        .doOnNext(s -> {
                            jobs.set(s.getT1());
                            region.set(s.getT2());
                            delayed.set(s.getT3());
                        })
                        .onErrorResume(e -> Mono.empty()))
                .subscribe();
    }

    @Override
    public void stop() {
        if (loop != null) {
            loop.dispose();
            loop = null;
        }
    }

    @Override
    public boolean isRunning() {
        return loop != null;
    }
}
