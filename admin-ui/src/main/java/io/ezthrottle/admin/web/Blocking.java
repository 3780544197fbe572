package io.ezthrottle.admin.web;

import java.time.Duration;
import java.util.List;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The console is a servlet application: a request thread may wait for Redis. The shared stores are reactive, so
 * their answers are awaited here, always with a deadline so a Redis outage turns into an error page instead of
 * piling up request threads.
 */
public final class Blocking {

    /** Longest wait for one Redis answer. */
    public static final Duration TIMEOUT = Duration.ofSeconds(10);

    private Blocking() {
    }

    /** The value, or null when the Mono completes empty. */
    public static <T> T get(Mono<T> mono) {
        return mono.block(TIMEOUT);
    }

    public static <T> List<T> list(Flux<T> flux) {
        List<T> all = flux.collectList().block(TIMEOUT);
        return all == null ? List.of() : all;
    }
}
