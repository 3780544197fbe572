package io.ezthrottle.bench.storm;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

import io.ezthrottle.bench.stub.NettyStub;

/**
 * The retry-storm upstream: allows {@code ratePerSecond} requests a second (a token bucket holding at most one
 * second's worth), answers 429 with {@code Retry-After: 1} above that, and is down (503, no Retry-After: a load
 * balancer with no healthy backend) for a window in the middle of the run. Counts every hit per status and per
 * second. Its clock starts at the first request after {@link #begin()}, so a client's start-up time never eats into the
 * outage window.
 */
public final class LimitedUpstream implements NettyStub.Responder {

    /** Status kinds counted per second. */
    public static final int[] STATUSES = {200, 429, 503};

    private final double ratePerSecond;
    private final long outageFromNanos;
    private final long outageToNanos;
    private final Map<Integer, LongAdder> hits = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> served = new ConcurrentHashMap<>();
    private final AtomicLongArray perSecond = new AtomicLongArray(3 * 7200);
    private final java.util.concurrent.atomic.AtomicLong startNanos = new java.util.concurrent.atomic.AtomicLong();
    private double tokens;
    private long refilledAt;

    /** The outage runs from {@code outageFrom} to {@code outageTo} seconds after the first request. */
    public LimitedUpstream(double ratePerSecond, double outageFrom, double outageTo) {
        this.ratePerSecond = ratePerSecond;
        this.outageFromNanos = (long) (outageFrom * 1e9);
        this.outageToNanos = (long) (outageTo * 1e9);
    }

    /** Resets the counts; the clock (outage window, per-second counts) starts at the next request. */
    public synchronized LimitedUpstream begin() {
        hits.clear();
        served.clear();
        for (int i = 0; i < perSecond.length(); i++) {
            perSecond.set(i, 0);
        }
        startNanos.set(0);
        tokens = ratePerSecond;
        refilledAt = System.nanoTime();
        return this;
    }

    @Override
    public NettyStub.Answer answer(NettyStub.Arrival request) {
        startNanos.compareAndSet(0, request.nanos());
        long since = request.nanos() - startNanos.get();
        int status;
        if (since >= outageFromNanos && since < outageToNanos) {
            status = 503;
        } else {
            status = take(request.nanos()) ? 200 : 429;
        }
        hits.computeIfAbsent(status, s -> new LongAdder()).increment();
        if (status == 200) {
            String id = request.query("i");
            served.computeIfAbsent(id == null ? "" : id, k -> new LongAdder()).increment();
        }
        int second = (int) Math.max(0, Math.min(7199, since / 1_000_000_000L));
        int kind = status == 200 ? 0 : status == 429 ? 1 : 2;
        perSecond.incrementAndGet(kind * 7200 + second);
        return switch (status) {
            case 200 -> NettyStub.Answer.ok();
            case 429 -> NettyStub.Answer.status(429, Map.of("Retry-After", "1"));
            default -> NettyStub.Answer.status(503, Map.of());
        };
    }

    private synchronized boolean take(long now) {
        tokens = Math.min(ratePerSecond, tokens + (now - refilledAt) / 1e9 * ratePerSecond);
        refilledAt = now;
        if (tokens >= 1) {
            tokens -= 1;
            return true;
        }
        return false;
    }

    /** Requests (by their {@code i} query parameter) answered 200 more than once: repeats after a success. */
    public long servedMoreThanOnce() {
        return served.values().stream().filter(c -> c.sum() > 1).count();
    }

    public long hits() {
        return hits.values().stream().mapToLong(LongAdder::sum).sum();
    }

    public long hits(int status) {
        LongAdder a = hits.get(status);
        return a == null ? 0 : a.sum();
    }

    /** Hits with {@code status} (200, 429 or 503) in each second since the first request, up to {@code seconds}. */
    public long[] perSecond(int status, int seconds) {
        int kind = status == 200 ? 0 : status == 429 ? 1 : 2;
        long[] out = new long[Math.min(seconds, 7200)];
        for (int i = 0; i < out.length; i++) {
            out[i] = perSecond.get(kind * 7200 + i);
        }
        return out;
    }

    public double outageFromSeconds() {
        return outageFromNanos / 1e9;
    }

    public double outageToSeconds() {
        return outageToNanos / 1e9;
    }
}
