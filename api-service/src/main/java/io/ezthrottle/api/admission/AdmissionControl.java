package io.ezthrottle.api.admission;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Decides whether a new job may enter (compat-protocol §6.7) and how long a refused client must wait. The
 * {@code Retry-After} doubles with every refusal in a row (5, 10, 20, 40, 60, 60 s by default) and falls back to
 * the base as soon as one new job is admitted, so clients back off harder the longer the overload lasts.
 *
 * <p>The streak is per replica, like the local server's: replicas shed independently, each from its own view.
 * Deciding is cheap (a sampled depth and a heap reading), so it never waits on Redis.
 */
@Component
public class AdmissionControl {

    private static final long MIB = 1024 * 1024;

    private final AdmissionProperties properties;
    private final QueueDepthGauge queueDepth;
    private final LongSupplier usedHeapBytes;
    private final AtomicInteger refusalsInARow = new AtomicInteger();

    @Autowired
    public AdmissionControl(AdmissionProperties properties, QueueDepthGauge queueDepth) {
        this(properties, queueDepth, heap());
    }

    AdmissionControl(AdmissionProperties properties, QueueDepthGauge queueDepth, LongSupplier usedHeapBytes) {
        this.properties = properties;
        this.queueDepth = queueDepth;
        this.usedHeapBytes = usedHeapBytes;
    }

    /** Whether a new job may be accepted now (no side effect: call {@link #refused} or {@link #admitted} after). */
    public AdmissionDecision decide() {
        if (properties.maxQueueDepth() > 0) {
            long depth = queueDepth.depth();
            if (depth > properties.maxQueueDepth()) {
                return AdmissionDecision.refuse("queue_depth", depth, properties.maxQueueDepth());
            }
        }
        if (properties.memoryLimitMb() > 0) {
            long usedMb = usedHeapBytes.getAsLong() / MIB;
            if (usedMb > properties.memoryLimitMb()) {
                return AdmissionDecision.refuse("memory", usedMb, properties.memoryLimitMb());
            }
        }
        return AdmissionDecision.ADMIT;
    }

    /** Records a refusal; returns the {@code Retry-After} seconds it carries. */
    public long refused() {
        return retryAfterSeconds(refusalsInARow.getAndIncrement());
    }

    /** Records that a new job was admitted: the next refusal starts from the base again. */
    public void admitted() {
        refusalsInARow.set(0);
    }

    /** What the next refusal would carry. */
    public long retryAfterSeconds() {
        return retryAfterSeconds(refusalsInARow.get());
    }

    public AdmissionSnapshot snapshot() {
        boolean shedding = !decide().admitted();
        return new AdmissionSnapshot(properties.enabled(), shedding ? "shedding" : "accepting",
                properties.maxQueueDepth() > 0 ? queueDepth.depth() : -1, properties.maxQueueDepth(),
                usedHeapBytes.getAsLong() / MIB, properties.memoryLimitMb(), retryAfterSeconds());
    }

    private long retryAfterSeconds(int previousRefusals) {
        long base = properties.retryAfter().toSeconds();
        long max = properties.retryAfterMax().toSeconds();
        // shifting past ~60 doublings would overflow; the cap is reached long before
        long doubled = base << Math.min(previousRefusals, 40);
        return doubled <= 0 ? max : Math.min(max, doubled);
    }

    private static LongSupplier heap() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        return () -> memory.getHeapMemoryUsage().getUsed();
    }
}
