package io.ezthrottle.admin.queues;

import io.ezthrottle.admin.AdminProperties;
import io.ezthrottle.admin.web.Blocking;
import io.ezthrottle.admin.web.SseBroadcaster;
import io.ezthrottle.admin.web.Ticker;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Pushes a fresh {@link QueueSnapshot} to every open queue view each {@code queues.refresh}. Redis is read only
 * while someone is watching: the snapshot costs one lookup per sampled entry.
 */
@Component
class QueueFeed implements SmartLifecycle {

    static final String EVENT = "snapshot";

    private final QueueReader reader;
    private final AdminProperties.Queues settings;
    private final SseBroadcaster watchers;
    private volatile Ticker ticker;

    QueueFeed(QueueReader reader, AdminProperties properties) {
        this.reader = reader;
        this.settings = properties.queues();
        this.watchers = new SseBroadcaster(java.time.Duration.ofMinutes(10));
    }

    /** A new stream starting with a snapshot of now. */
    SseEmitter watch() {
        return watchers.open(EVENT, Blocking.get(reader.read()));
    }

    private void tick() {
        if (watchers.hasListeners()) {
            watchers.broadcast(EVENT, Blocking.get(reader.read()));
        }
    }

    @Override
    public void start() {
        ticker = new Ticker("queue-feed", settings.refresh(), this::tick);
    }

    @Override
    public void stop() {
        if (ticker != null) {
            ticker.close();
            ticker = null;
        }
        watchers.close();
    }

    @Override
    public boolean isRunning() {
        return ticker != null;
    }
}
