package io.ezthrottle.worker.dispatch;

import java.io.ByteArrayOutputStream;
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
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

/**
 * Makes the upstream call of a job with Reactor Netty's {@link HttpClient} (the worker's hottest path: no
 * WebClient layer on top, the response body read straight into a bounded buffer). Every address is checked by the
 * egress guard after DNS resolution; redirects are not followed; the job's idempotency key travels as
 * {@code Idempotency-Key} so upstreams can deduplicate our at-least-once delivery.
 */
@Component
public class UpstreamClient {

    private final HttpClient http;
    private final WorkerProperties properties;

    public UpstreamClient(EgressPolicy egress, WorkerProperties properties) {
        this.properties = properties;
        this.http = GuardedAddressResolverGroup.guard(HttpClient.create()
                .followRedirect(false)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) properties.connectTimeout().toMillis())
                .responseTimeout(properties.upstreamTimeout()), egress);
    }

    public Mono<UpstreamOutcome> call(JobSpec spec, String idempotencyKey) {
        return http.request(HttpMethod.valueOf(spec.method()))
                .uri(URI.create(spec.url()))
                .send((request, out) -> {
                    HttpHeaders h = request.requestHeaders();
                    spec.headers().forEach(h::set);
                    if (idempotencyKey != null && !h.contains("Idempotency-Key")) {
                        h.set("Idempotency-Key", idempotencyKey);
                    }
                    if (spec.body() == null) {
                        return out;
                    }
                    if (!h.contains(HttpHeaderNames.CONTENT_TYPE)) {
                        h.set(HttpHeaderNames.CONTENT_TYPE, "application/json");
                    }
                    return out.sendString(Mono.just(spec.body()), StandardCharsets.UTF_8);
                })
                .response((response, content) -> {
                    BoundedBody body = new BoundedBody(properties.maxResponseBytes());
                    return content.asByteArray().takeUntil(body::addIsFull)
                            .then(Mono.fromSupplier(() -> UpstreamOutcome.answered(new UpstreamResponse(
                                    response.status().code(), headers(response.responseHeaders()), body.text()))));
                })
                .next()
                .timeout(properties.upstreamTimeout().plusSeconds(1))
                .onErrorResume(e -> Mono.just(UpstreamOutcome.transportFailure(describe(e))));
    }

    /** Header names lower-cased; repeated headers joined with ", " as one value. */
    static Map<String, String> headers(HttpHeaders headers) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : headers) {
            out.merge(e.getKey().toLowerCase(Locale.ROOT), e.getValue(), (a, b) -> a + ", " + b);
        }
        return out;
    }

    /** The first {@code max} bytes of a response body; the rest is not kept. */
    private static final class BoundedBody {
        private final int max;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        BoundedBody(int max) {
            this.max = max;
        }

        /** Keeps what fits; true once the body is full (reading stops there). */
        boolean addIsFull(byte[] chunk) {
            bytes.write(chunk, 0, Math.min(chunk.length, max - bytes.size()));
            return bytes.size() >= max;
        }

        String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }
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
