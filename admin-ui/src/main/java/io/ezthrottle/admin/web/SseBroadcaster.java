package io.ezthrottle.admin.web;

import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

import org.springframework.http.MediaType;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * The open Server-Sent-Event streams of one live page. Each tick the page's sampler sends one event to every
 * stream; a stream whose browser went away fails on send and is dropped. Closing completes every stream so a
 * graceful shutdown does not wait for browsers to hang up.
 */
public final class SseBroadcaster {

    private final Set<SseEmitter> emitters = new CopyOnWriteArraySet<>();
    private final Duration streamTimeout;

    /** @param streamTimeout a stream is ended after this long; the browser's EventSource reconnects at once */
    public SseBroadcaster(Duration streamTimeout) {
        this.streamTimeout = streamTimeout;
    }

    /** A new stream, registered for broadcasts, after {@code first} was sent on it alone. */
    public SseEmitter open(String firstEvent, Object first) {
        SseEmitter emitter = new SseEmitter(streamTimeout.toMillis());
        emitter.onCompletion(() -> emitters.remove(emitter));
        emitter.onTimeout(() -> {
            emitters.remove(emitter);
            emitter.complete();
        });
        emitter.onError(e -> emitters.remove(emitter));
        if (send(emitter, firstEvent, first)) {
            emitters.add(emitter);
        }
        return emitter;
    }

    public void broadcast(String event, Object data) {
        emitters.forEach(e -> send(e, event, data));
    }

    public boolean hasListeners() {
        return !emitters.isEmpty();
    }

    public int size() {
        return emitters.size();
    }

    public void close() {
        emitters.forEach(SseEmitter::complete);
        emitters.clear();
    }

    private boolean send(SseEmitter emitter, String event, Object data) {
        try {
            emitter.send(SseEmitter.event().name(event).data(data, MediaType.APPLICATION_JSON));
            return true;
        } catch (IOException | IllegalStateException e) {
            // the browser is gone (or the stream already ended): forget it, nothing else to do
            emitters.remove(emitter);
            emitter.completeWithError(e);
            return false;
        }
    }
}
