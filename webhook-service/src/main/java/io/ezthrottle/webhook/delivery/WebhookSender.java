package io.ezthrottle.webhook.delivery;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import io.ezthrottle.core.egress.EgressPolicy;
import io.ezthrottle.core.egress.GuardedAddressResolverGroup;
import io.ezthrottle.core.signing.WebhookSigner;
import io.ezthrottle.webhook.WebhookProperties;
import io.netty.channel.ChannelOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * POSTs one webhook body to one URL, signed afresh at every attempt (a retry carries a new {@code t}), following
 * the retry schedule. Emits whether a 2xx was obtained; never errors.
 */
@Component
public class WebhookSender {

    private static final Logger log = LoggerFactory.getLogger(WebhookSender.class);

    private final WebClient client;
    private final WebhookSigner signer;
    private final WebhookProperties properties;
    private final Clock clock;

    public WebhookSender(EgressPolicy egress, WebhookSigner signer, WebhookProperties properties, Clock clock) {
        this.signer = signer;
        this.properties = properties;
        this.clock = clock;
        HttpClient http = GuardedAddressResolverGroup.guard(HttpClient.create()
                .followRedirect(false)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) properties.timeout().toMillis())
                .responseTimeout(properties.timeout()), egress);
        this.client = WebClient.builder().clientConnector(new ReactorClientHttpConnector(http)).build();
    }

    public Mono<Boolean> deliver(String jobId, String url, byte[] body, String secret) {
        List<Duration> delays = properties.retryDelays();
        return Flux.range(0, delays.size())
                .concatMap(i -> Mono.delay(delays.get(i)).then(attempt(jobId, url, body, secret, i + 1)))
                .takeUntil(Boolean::booleanValue)
                .last(false);
    }

    private Mono<Boolean> attempt(String jobId, String url, byte[] body, String secret, int attempt) {
        return client.post()
                .uri(URI.create(url))
                .contentType(MediaType.APPLICATION_JSON)
                .headers(h -> {
                    if (secret != null) {
                        h.set(WebhookSigner.HEADER, signer.signatureHeader(secret, clock.millis() / 1000, body));
                    }
                })
                .bodyValue(body)
                .exchangeToMono(r -> r.releaseBody().thenReturn(r.statusCode().is2xxSuccessful()))
                .timeout(properties.timeout().plusSeconds(1))
                .doOnNext(ok -> {
                    if (!ok) {
                        log.info("webhook refused job_id={} attempt={}", jobId, attempt);
                    }
                })
                .onErrorResume(e -> {
                    log.info("webhook attempt failed job_id={} attempt={} reason={}", jobId, attempt, rootMessage(e));
                    return Mono.just(false);
                });
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
