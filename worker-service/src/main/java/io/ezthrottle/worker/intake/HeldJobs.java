package io.ezthrottle.worker.intake;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.redisson.api.stream.StreamMessageId;
import org.springframework.stereotype.Component;

/**
 * The stream entries this worker holds in memory (in a lane, being prepared, or in flight); reading stops at
 * {@code maxLocalJobs}. Knowing which ones, not just how many, tells an entry still pending for this worker but no
 * longer held (its bookkeeping failed, or parking it did) from one that is merely waiting its turn.
 */
@Component
public class HeldJobs {

    private final Set<String> held = ConcurrentHashMap.newKeySet();

    public HeldJobs(MeterRegistry meters) {
        Gauge.builder("ezthrottle.worker.held.jobs", held, Set::size)
                .description("stream entries held in memory by this worker").register(meters);
    }

    public void add(PendingJob job) {
        held.add(key(job.stream(), job.entryId()));
    }

    public void release(PendingJob job) {
        held.remove(key(job.stream(), job.entryId()));
    }

    public boolean holds(String stream, StreamMessageId id) {
        return held.contains(key(stream, id));
    }

    public int count() {
        return held.size();
    }

    private static String key(String stream, StreamMessageId id) {
        return stream + ' ' + id;
    }
}
