package io.ezthrottle.api.proxy;

import io.ezthrottle.api.job.AccountQueueHeader;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Flux;

/**
 * The envelope's inner request as an exchange our own handlers can serve in-process: same attributes (so the
 * authenticated tenant is the proxy caller), but the inner method, path, headers and body. Nothing leaves the
 * process: this is what keeps the proxy from ever being an open relay.
 */
final class InnerRequest {

    private InnerRequest() {
    }

    static ServerWebExchange exchange(ServerWebExchange outer, ProxyEnvelope envelope) {
        HttpHeaders outerHeaders = outer.getRequest().getHeaders();
        ServerHttpRequest routed = outer.getRequest().mutate()
                .method(HttpMethod.valueOf(envelope.method()))
                .path(envelope.path())
                .headers(h -> {
                    h.clear();
                    envelope.headers().forEach(h::set);
                    // the account-queue switch may also sit on the proxy request itself
                    if (!h.containsHeader(AccountQueueHeader.AQUEDUCT) && !h.containsHeader(AccountQueueHeader.EZTHROTTLE)) {
                        copy(outerHeaders, h, AccountQueueHeader.AQUEDUCT);
                        copy(outerHeaders, h, AccountQueueHeader.EZTHROTTLE);
                    }
                    h.setContentLength(envelope.body().length);
                })
                .build();
        ServerHttpRequest withBody = new ServerHttpRequestDecorator(routed) {
            @Override
            public Flux<DataBuffer> getBody() {
                return Flux.defer(() -> envelope.body().length == 0 ? Flux.empty()
                        : Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(envelope.body())));
            }
        };
        return outer.mutate().request(withBody).build();
    }

    private static void copy(HttpHeaders from, HttpHeaders to, String name) {
        String value = from.getFirst(name);
        if (value != null) {
            to.set(name, value);
        }
    }
}
