package io.ezthrottle.admin.web;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one task at a fixed delay on a thread of its own. A failing run (Redis unreachable) is logged and the next
 * one runs as planned: a live page shows a gap rather than stopping for good. (A task that throws out of a
 * {@link ScheduledExecutorService} is never run again, hence the catch-all.)
 */
public final class Ticker implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Ticker.class);

    private final ScheduledExecutorService executor;

    public Ticker(String name, Duration delay, Runnable task) {
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        executor.scheduleWithFixedDelay(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.warn("{} failed, retrying in {}: {}", name, delay, e.toString());
            } catch (Error e) {
                // a scheduled executor silently stops a task that throws: say so, and keep the schedule alive
                log.error("{} failed, retrying in {}", name, delay, e);
            }
        }, 0, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
