package io.ezthrottle.bench.load;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.netty.handler.codec.http.HttpHeaderNames;
import reactor.core.publisher.Mono;
import reactor.netty.ByteBufFlux;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

/**
 * The load generator's HTTP client: reactor-netty with a large keep-alive pool, so thousands of requests can be in
 * flight while a server is slow. Requests waiting for a connection queue without limit (their wait is part of their
 * measured latency).
 */
public final class HttpLoadClient implements AutoCloseable {

    /** One answer: status and body. */
    public record Reply(int status, String body) {
    }

    private final ConnectionProvider pool;
    private final HttpClient http;

    public HttpLoadClient(String baseUrl, String bearer, int maxConnections) {
        this.pool = ConnectionProvider.builder("bench-load")
                .maxConnections(maxConnections)
                .pendingAcquireMaxCount(-1)
                .pendingAcquireTimeout(Duration.ofMinutes(10))
                .maxIdleTime(Duration.ofSeconds(20))
                .build();
        HttpClient client = HttpClient.create(pool);
        this.http = (baseUrl == null ? client : client.baseUrl(baseUrl))
                .headers(h -> {
                    if (bearer != null) {
                        h.set(HttpHeaderNames.AUTHORIZATION, "Bearer " + bearer);
                    }
                    h.set(HttpHeaderNames.CONTENT_TYPE, "application/json");
                });
    }

    /** POSTs {@code json}; emits the answer (the body read in full, so the connection is reusable). */
    public Mono<Reply> post(String path, String json) {
        return http.post().uri(path)
                .send(ByteBufFlux.fromString(Mono.just(json)))
                .responseSingle((response, body) -> body.asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                        .map(text -> new Reply(response.status().code(), text)));
    }

    /** POSTs {@code json}; emits only the status (the body is drained). */
    public Mono<Integer> postStatus(String path, String json) {
        return http.post().uri(path)
                .send(ByteBufFlux.fromString(Mono.just(json)))
                .responseSingle((response, body) -> body.then(Mono.just(response.status().code())));
    }

    public Mono<Reply> get(String path) {
        return http.get().uri(path)
                .responseSingle((response, body) -> body.asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                        .map(text -> new Reply(response.status().code(), text)));
    }

    @Override
    public void close() {
        pool.disposeLater().block(Duration.ofSeconds(10));
    }
}
