package io.ezthrottle.webhook.delivery;

import java.time.Duration;

import io.ezthrottle.core.job.JobRecord;
import io.ezthrottle.core.redis.RedisKeys;
import io.ezthrottle.core.secret.WebhookSecretStore;
import io.ezthrottle.core.secret.WebhookSecrets;
import io.micrometer.core.instrument.MeterRegistry;
import org.redisson.api.RedissonReactiveClient;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Delivers one finished job to all its webhooks (concurrently, identical bytes, each signed with the tenant's
 * primary secret). A marker in Redis records completed delivery, so a result entry redelivered after a crash
 * does not notify the customer twice.
 */
@Component
public class ResultDeliveries {

    private static final Logger log = LoggerFactory.getLogger(ResultDeliveries.class);
    private static final Duration MARKER_TTL = Duration.ofHours(24);

    private final RedissonReactiveClient redis;
    private final RedisKeys keys;
    private final WebhookSecretStore secrets;
    private final WebhookPayloads payloads;
    private final WebhookSender sender;
    private final MeterRegistry meters;

    public ResultDeliveries(RedissonReactiveClient redis, RedisKeys keys, WebhookSecretStore secrets,
                            WebhookPayloads payloads, WebhookSender sender, MeterRegistry meters) {
        this.redis = redis;
        this.keys = keys;
        this.secrets = secrets;
        this.payloads = payloads;
        this.sender = sender;
        this.meters = meters;
    }

    public Mono<Void> deliver(JobRecord job) {
        var marker = redis.<String>getBucket(keys.delivered(job.id()), StringCodec.INSTANCE);
        return marker.isExists().flatMap(done -> done ? Mono.empty() : send(job).then(marker.set("1", MARKER_TTL)));
    }

    private Mono<Void> send(JobRecord job) {
        if (job.spec().webhooks().isEmpty()) {
            return Mono.empty();
        }
        byte[] body = payloads.body(job);
        return secrets.find(job.tenantId())
                .map(WebhookSecrets::primary)
                .map(java.util.Optional::of)
                .defaultIfEmpty(java.util.Optional.empty())
                .flatMapMany(secret -> Flux.fromIterable(job.spec().webhooks())
                        .flatMap(w -> sender.deliver(job.id(), w.url(), body, secret.orElse(null))
                                .doOnNext(ok -> {
                                    meters.counter("ezthrottle.webhooks.delivered", "outcome", ok ? "success" : "failed").increment();
                                    if (!ok) {
                                        log.warn("webhook gave up job_id={} url_host={}", job.id(),
                                                java.net.URI.create(w.url()).getHost());
                                    }
                                })))
                .then();
    }
}
