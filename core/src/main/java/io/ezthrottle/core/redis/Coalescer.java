package io.ezthrottle.core.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;

import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Opportunistic batching of Redis calls per key (a delivery shard, a receiver domain). A request goes out at once
 * when no call for its key is in flight; requests arriving meanwhile wait for that call to return and then go out
 * together in one call. Under light load nothing waits for a batch to fill; under heavy load one script call serves
 * many requests, which is what keeps a delivery's Redis cost low at thousands per second.
 *
 * @param <K> what requests are grouped by (all requests of one call share it, e.g. one Redis hash tag)
 * @param <Q> a request
 * @param <R> its answer; the call answers a batch with one answer per request, in order
 */
public final class Coalescer<K, Q, R> {

    private final int maxBatch;
    private final BiFunction<K, List<Q>, Mono<List<R>>> call;
    private final ConcurrentHashMap<K, Waiting<Q, R>> waiting = new ConcurrentHashMap<>();

    public Coalescer(int maxBatch, BiFunction<K, List<Q>, Mono<List<R>>> call) {
        this.maxBatch = maxBatch;
        this.call = call;
    }

    public Mono<R> submit(K key, Q request) {
        Sinks.One<R> answer = Sinks.one();
        Waiting<Q, R> w = waiting.computeIfAbsent(key, k -> new Waiting<>());
        w.queue.add(new Pending<>(request, answer));
        drain(key, w);
        return answer.asMono();
    }

    /** Sends one call for whatever waits, unless a call is in flight (its completion drains again). */
    private void drain(K key, Waiting<Q, R> w) {
        if (!w.busy.compareAndSet(false, true)) {
            return;
        }
        List<Pending<Q, R>> batch = new ArrayList<>();
        Pending<Q, R> next;
        while (batch.size() < maxBatch && (next = w.queue.poll()) != null) {
            batch.add(next);
        }
        if (batch.isEmpty()) {
            w.busy.set(false);
            if (!w.queue.isEmpty()) {
                drain(key, w);
            } else {
                waiting.remove(key, w); // idle keys cost no memory; a racing request still holds and drains its queue
            }
            return;
        }
        Mono<List<R>> result;
        try {
            result = call.apply(key, batch.stream().map(Pending::request).toList());
        } catch (RuntimeException e) {
            result = Mono.error(e);
        }
        // A Mono signals one value or one error, so exactly one of these runs and releases the key once.
        result.defaultIfEmpty(List.of()).subscribe(answers -> {
            for (int i = 0; i < batch.size(); i++) {
                if (i < answers.size()) {
                    batch.get(i).answer().tryEmitValue(answers.get(i));
                } else {
                    batch.get(i).answer().tryEmitError(new IllegalStateException("batched call gave no answer"));
                }
            }
            release(key, w);
        }, e -> {
            batch.forEach(p -> p.answer().tryEmitError(e));
            release(key, w);
        });
    }

    private void release(K key, Waiting<Q, R> w) {
        w.busy.set(false);
        drain(key, w);
    }

    private record Pending<Q, R>(Q request, Sinks.One<R> answer) {
    }

    private static final class Waiting<Q, R> {
        final Queue<Pending<Q, R>> queue = new ConcurrentLinkedQueue<>();
        final AtomicBoolean busy = new AtomicBoolean();
    }
}
