package io.ezthrottle.worker.intake;

import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.stereotype.Component;

/** How many stream entries this worker holds in memory; reading stops at {@code maxLocalJobs}. */
@Component
public class HeldJobs {

    private final AtomicInteger held = new AtomicInteger();

    public HeldJobs(MeterRegistry meters) {
        Gauge.builder("ezthrottle.worker.held.jobs", held, AtomicInteger::get)
                .description("stream entries held in memory by this worker").register(meters);
    }

    public void add() {
        held.incrementAndGet();
    }

    public void release() {
        held.decrementAndGet();
    }

    public int count() {
        return held.get();
    }
}
