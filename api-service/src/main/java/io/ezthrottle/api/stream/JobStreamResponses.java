package io.ezthrottle.api.stream;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.server.reactive.ServerHttpResponse;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Writes a job stream as {@code text/event-stream}, flushing after every event so a client sees each one when it
 * happens, and completing the response after the terminal event.
 */
public final class JobStreamResponses {

    private JobStreamResponses() {
    }

    public static Mono<Void> write(ServerHttpResponse response, Flux<SseEvent> events) {
        response.setStatusCode(HttpStatus.OK);
        HttpHeaders headers = response.getHeaders();
        headers.setContentType(MediaType.TEXT_EVENT_STREAM);
        headers.setCacheControl("no-cache");
        headers.set(HttpHeaders.CONNECTION, "keep-alive");
        // Tell buffering proxies (nginx) to pass events through as they come.
        headers.set("X-Accel-Buffering", "no");
        return response.writeAndFlushWith(events.map(e -> Mono.just(response.bufferFactory().wrap(e.encode()))));
    }
}
