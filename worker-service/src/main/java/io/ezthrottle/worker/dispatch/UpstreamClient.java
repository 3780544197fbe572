package io.ezthrottle.worker.dispatch;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeoutException;

import io.ezthrottle.core.egress.EgressDeniedException;
import io.ezthrottle.core.egress.EgressPolicy;
import io.ezthrottle.core.egress.GuardedAddressResolverGroup;
import io.ezthrottle.core.job.JobSpec;
import io.ezthrottle.core.job.UpstreamResponse;
import io.ezthrottle.worker.WorkerProperties;
import io.netty.channel.ChannelOption;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.stereotype.Component;
import org.springframework.web.reactive.function.BodyExtractors;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * Makes the upstream call of a job with the reactive {@link WebClient}. Every address is checked by the egress
 * guard after DNS resolution; redirects are not followed; the job's idempotency key travels as
 * {@code Idempotency-Key} so upstreams can deduplicate our at-least-once delivery.
 */
@Component
public class UpstreamClient {

    private final WebClient client;
    private final WorkerProperties properties;

    public UpstreamClient(EgressPolicy egress, WorkerProperties properties) {
        this.properties = properties;
        HttpClient http = GuardedAddressResolverGroup.guard(HttpClient.create()
                .followRedirect(false)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) properties.connectTimeout().toMillis())
                .responseTimeout(properties.upstreamTimeout()), egress);
        this.client = WebClient.builder().clientConnector(new ReactorClientHttpConnector(http)).build();
    }

    public Mono<UpstreamOutcome> call(JobSpec spec, String idempotencyKey) {
        return client.method(HttpMethod.valueOf(spec.method()))
                .uri(URI.create(spec.url()))
                .headers(h -> {
                    spec.headers().forEach(h::set);
                    if (idempotencyKey != null && !h.containsHeader("Idempotency-Key")) {
                        h.set("Idempotency-Key", idempotencyKey);
                    }
                    if (spec.body() != null && !h.containsHeader(HttpHeaders.CONTENT_TYPE)) {
                        h.set(HttpHeaders.CONTENT_TYPE, "application/json");
                    }
                })
                .body(spec.body() == null
                        ? org.springframework.web.reactive.function.BodyInserters.empty()
                        : org.springframework.web.reactive.function.BodyInserters.fromValue(spec.body()))
                .exchangeToMono(response -> DataBufferUtils.join(DataBufferUtils.takeUntilByteCount(
                                response.body(BodyExtractors.toDataBuffers()), properties.maxResponseBytes()))
                        .map(UpstreamClient::text)
                        .defaultIfEmpty("")
                        .map(body -> UpstreamOutcome.answered(new UpstreamResponse(response.statusCode().value(),
                                headers(response.headers().asHttpHeaders()), body))))
                .timeout(properties.upstreamTimeout().plusSeconds(1))
                .onErrorResume(e -> Mono.just(UpstreamOutcome.transportFailure(describe(e))));
    }

    private static String text(DataBuffer buffer) {
        try {
            return buffer.toString(StandardCharsets.UTF_8);
        } finally {
            DataBufferUtils.release(buffer);
        }
    }

    static Map<String, String> headers(HttpHeaders headers) {
        Map<String, String> out = new LinkedHashMap<>();
        headers.forEach((name, values) -> out.put(name.toLowerCase(Locale.ROOT), String.join(", ", values)));
        return out;
    }

    /** A human-readable reason (compat-protocol A33), never a stack dump. */
    static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof EgressDeniedException) {
                return t.getMessage();
            }
            if (t instanceof TimeoutException || t instanceof io.netty.handler.timeout.ReadTimeoutException) {
                return "upstream timed out";
            }
            if (t instanceof java.net.UnknownHostException) {
                return "upstream host not found: " + t.getMessage();
            }
            if (t instanceof java.net.ConnectException) {
                return "connection to upstream failed: " + t.getMessage();
            }
        }
        Throwable root = e;
        while (root.getCause() != null) {
            root = root.getCause();
        }
        return "upstream request failed: " + (root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage());
    }
}
