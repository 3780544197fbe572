package io.ezthrottle.api.stream;

import java.util.concurrent.atomic.AtomicBoolean;

import io.ezthrottle.core.delivery.StreamHandoff;
import io.ezthrottle.core.job.JobRecord;
import io.ezthrottle.core.job.Surface;
import io.ezthrottle.core.redis.JobStreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.SignalType;

/**
 * Serves one job stream. A job of the local surface is streamed in <em>stream mode</em> (compat-protocol §1.7):
 * while the stream is open the job's webhook is held back, the terminal event written to the client is the
 * delivery, and a stream that ends any other way (client gone, a write failed, including the terminal one) hands
 * the outcome back to the webhook, at once if the dispatcher was already holding it. The decision lives in Redis
 * ({@link StreamHandoff}), so it holds whichever API replica serves the stream and whichever dispatcher replica
 * reads the result.
 *
 * <p>Only the local surface delivers "SSE stream first, webhook as fallback" (compat-protocol §1 overview, §1.7 is
 * its E8). A cloud job's stream only informs: its quorum webhooks (§5.4) are the contract its receivers rely on,
 * whoever happens to watch the job. Likewise a job without webhooks has nothing to hold back, and a job whose
 * webhooks were already planned (the stream was opened after the dispatcher took the result) keeps them.
 */
@Component
public class JobStreamSessions {

    private static final Logger log = LoggerFactory.getLogger(JobStreamSessions.class);

    private final JobEventStream stream;
    private final StreamHandoff handoff;
    private final JobStreams results;
    private final StreamProperties properties;

    public JobStreamSessions(JobEventStream stream, StreamHandoff handoff, JobStreams results, StreamProperties properties) {
        this.stream = stream;
        this.handoff = handoff;
        this.results = results;
        this.properties = properties;
    }

    /** Writes the job's events to {@code response}; the caller has read the record and checked its owner. */
    public Mono<Void> serve(ServerHttpResponse response, JobRecord job) {
        if (job.surface() != Surface.LOCAL || job.spec().webhooks().isEmpty()) {
            return JobStreamResponses.write(response, stream.events(job));
        }
        return handoff.open(job.id(), properties.handoffLease())
                .onErrorResume(e -> {
                    // Without Redis the webhooks stay in charge: a stream that only informs loses nothing.
                    log.warn("stream mode not taken job_id={}: {}", job.id(), e.toString());
                    return Mono.just(false);
                })
                .flatMap(carries -> carries ? carry(response, job) : JobStreamResponses.write(response, stream.events(job)));
    }

    /** Renewals start when the write is subscribed and stop however it ends, so a lease is never renewed for nobody. */
    private Mono<Void> carry(ServerHttpResponse response, JobRecord job) {
        return Mono.defer(() -> carryNow(response, job));
    }

    private Mono<Void> carryNow(ServerHttpResponse response, JobRecord job) {
        String id = job.id();
        AtomicBoolean terminal = new AtomicBoolean();
        Disposable renewals = Flux.interval(properties.handoffLease().dividedBy(3))
                .concatMap(t -> handoff.renew(id, properties.handoffLease()).onErrorResume(e -> Mono.empty()))
                .subscribe();
        Flux<SseEvent> events = stream.events(job).doOnNext(e -> {
            if (e.terminal()) {
                terminal.set(true);
            }
        });
        // The write completes only once the terminal event was flushed to the connection; an error or a
        // cancellation (the client went away) means the client may not have it, so the webhooks take over.
        return JobStreamResponses.write(response, events)
                .doFinally(signal -> {
                    renewals.dispose();
                    boolean delivered = signal == SignalType.ON_COMPLETE && terminal.get();
                    settle(id, delivered).subscribe(null, e -> log.warn(
                            "stream outcome not recorded job_id={} (the handoff lease will return it to the webhooks): {}",
                            id, e.toString()));
                });
    }

    private Mono<Void> settle(String jobId, boolean delivered) {
        if (delivered) {
            return handoff.streamed(jobId, properties.streamedRetention()).then();
        }
        return handoff.abandon(jobId)
                .flatMap(held -> held ? results.publishResult(jobId).then() : Mono.<Void>empty());
    }
}
