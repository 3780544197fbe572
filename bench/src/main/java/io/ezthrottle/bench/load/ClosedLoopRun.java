package io.ezthrottle.bench.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntFunction;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Sends {@code total} requests keeping {@code concurrency} in flight: the most a server can take, not a latency
 * measurement (a closed loop slows down with the server). Used to build backlogs and to see how the acceptance rate
 * holds up as a backlog grows: the run is cut into slices of consecutive requests, each with its own rate and
 * latency.
 */
public final class ClosedLoopRun {

    /** One slice of consecutive requests: requests [first, first+size), answered at {@code ratePerSecond}. */
    public record Slice(int first, int size, long ok, double ratePerSecond, LatencyHistogram latency) {
    }

    /** @param overall all requests; {@code slices} in request order */
    public record Result(StepResult overall, List<Slice> slices) {
    }

    private ClosedLoopRun() {
    }

    public static Result run(int total, int concurrency, int sliceCount, IntFunction<Mono<Integer>> request,
                             int okStatus, Duration timeout) {
        int slices = Math.max(1, Math.min(sliceCount, Math.max(1, total)));
        int sliceSize = (int) Math.ceil((double) Math.max(1, total) / slices);
        LatencyHistogram all = new LatencyHistogram();
        List<LatencyHistogram> sliceLatency = new ArrayList<>();
        for (int s = 0; s < slices; s++) {
            sliceLatency.add(new LatencyHistogram());
        }
        AtomicLongArray sliceOk = new AtomicLongArray(slices);
        AtomicLongArray sliceFirst = new AtomicLongArray(slices);
        AtomicLongArray sliceLast = new AtomicLongArray(slices);
        Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
        long start = System.nanoTime();
        for (int s = 0; s < slices; s++) {
            sliceFirst.set(s, Long.MAX_VALUE);
        }
        Flux.range(0, total)
                .flatMap(i -> {
                    long sent = System.nanoTime();
                    return Mono.defer(() -> request.apply(i)).timeout(timeout).onErrorReturn(-1).defaultIfEmpty(-1)
                            .doOnNext(status -> {
                                long now = System.nanoTime();
                                int s = i / sliceSize;
                                long micros = (now - sent) / 1000;
                                all.record(micros);
                                sliceLatency.get(s).record(micros);
                                statuses.computeIfAbsent(status, k -> new LongAdder()).increment();
                                if (status == okStatus) {
                                    sliceOk.incrementAndGet(s);
                                }
                                sliceFirst.accumulateAndGet(s, sent, Math::min);
                                sliceLast.accumulateAndGet(s, now, Math::max);
                            });
                }, concurrency)
                .blockLast();
        long end = System.nanoTime();
        Map<Integer, Long> counts = new ConcurrentHashMap<>();
        statuses.forEach((k, v) -> counts.put(k, v.sum()));
        List<Slice> out = new ArrayList<>();
        for (int s = 0; s < slices; s++) {
            int first = s * sliceSize;
            int size = Math.max(0, Math.min(sliceSize, total - first));
            double seconds = (sliceLast.get(s) - sliceFirst.get(s)) / 1e9;
            out.add(new Slice(first, size, sliceOk.get(s), seconds > 0 ? sliceOk.get(s) / seconds : 0, sliceLatency.get(s)));
        }
        double seconds = (end - start) / 1e9;
        return new Result(new StepResult(total / Math.max(seconds, 1e-9), total, counts, all, seconds, 0), out);
    }
}
