package io.ezthrottle.bench.load;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

import reactor.core.publisher.Mono;

/**
 * Sends requests at the intended times of an {@link OpenLoopSchedule}, whatever the server does, and measures each
 * from its intended time. Requests are asynchronous (reactor-netty), so a slow answer never holds back the next send;
 * a send that has to wait for a connection is charged for the wait.
 */
public final class OpenLoopRun {

    private OpenLoopRun() {
    }

    /**
     * Runs {@code schedule}; {@code request.apply(i)} makes request {@code i} and emits its HTTP status. Returns once
     * every request has been answered or has timed out ({@code timeout} after its intended time).
     */
    public static StepResult run(OpenLoopSchedule schedule, IntFunction<Mono<Integer>> request, Duration timeout) {
        int n = schedule.count();
        LatencyHistogram latency = new LatencyHistogram();
        Map<Integer, LongAdder> statuses = new ConcurrentHashMap<>();
        CountDownLatch done = new CountDownLatch(n);
        AtomicLong lastAnswer = new AtomicLong();
        long maxLag = 0;
        long start = System.nanoTime() + 5_000_000; // a little lead so request 0 is not already late
        for (int i = 0; i < n; i++) {
            long intended = start + schedule.offsetNanos(i);
            waitUntil(intended);
            maxLag = Math.max(maxLag, System.nanoTime() - intended);
            Mono<Integer> call;
            try {
                call = request.apply(i);
            } catch (RuntimeException e) {
                call = Mono.error(e);
            }
            call.timeout(timeout)
                    .onErrorReturn(-1)
                    .defaultIfEmpty(-1)
                    .subscribe(status -> {
                        long now = System.nanoTime();
                        latency.record((now - intended) / 1000);
                        statuses.computeIfAbsent(status, s -> new LongAdder()).increment();
                        lastAnswer.accumulateAndGet(now, Math::max);
                        done.countDown();
                    });
        }
        try {
            if (!done.await(timeout.toMillis() + 10_000, TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException("requests neither answered nor timed out: " + done.getCount());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        Map<Integer, Long> counts = new ConcurrentHashMap<>();
        statuses.forEach((k, v) -> counts.put(k, v.sum()));
        double seconds = n == 0 ? 0 : (lastAnswer.get() - start) / 1e9;
        return new StepResult(schedule.ratePerSecond(), n, counts, latency, seconds, maxLag / 1000);
    }

    /**
     * Parks until {@code deadline}. No spinning: on two shared cores a spinning sender would steal the server's CPU.
     * Parking overshoots by tens of microseconds; the overshoot is charged to the request (it is measured from its
     * intended time) and shows in {@link StepResult#maxLagMicros()}.
     */
    static void waitUntil(long deadline) {
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
        }
    }
}
