package io.ezthrottle.admin.overview;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

import io.ezthrottle.admin.AdminProperties;
import io.ezthrottle.core.redis.RedisKeys;
import org.redisson.api.RTopicReactive;
import org.redisson.api.RedissonReactiveClient;
import org.redisson.client.codec.StringCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * Counts job lifecycle signals on the channel workers publish to ({@link RedisKeys#jobEvents()}): one
 * {@code D|<job id>} per dispatched attempt, one {@code F|<job id>} per finished job. {@code JobEvents} in core
 * routes signals to listeners of one job only, so this class reads the same channel and wire form itself.
 *
 * <p>Pub/sub reaches every subscriber, so each console replica counts the whole cluster's jobs by itself. It is
 * lossy by design (a signal published while this replica reconnects is missed): fine for a rate chart, which is
 * why these numbers are never used for anything but the Overview.
 */
@Component
class JobSignalTap implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(JobSignalTap.class);

    private final RTopicReactive topic;
    private final AtomicLong dispatched = new AtomicLong();
    private final AtomicLong finished = new AtomicLong();
    /** Ids of finished jobs whose outcome will be read; bounded so a flood of signals costs no memory. */
    private final ArrayBlockingQueue<String> finishedSample;
    private volatile Integer listener;

    JobSignalTap(RedissonReactiveClient redis, RedisKeys keys, AdminProperties properties) {
        this.topic = redis.getTopic(keys.jobEvents(), StringCodec.INSTANCE);
        this.finishedSample = new ArrayBlockingQueue<>(properties.overview().classifySample());
    }

    @Override
    public void start() {
        listener = topic.addListener(String.class, (channel, message) -> accept(message))
                .doOnError(e -> log.warn("cannot listen to job signals (overview rates stay at zero): {}", e.toString()))
                .onErrorResume(e -> reactor.core.publisher.Mono.empty())
                .block(io.ezthrottle.admin.web.Blocking.TIMEOUT);
    }

    void accept(String message) {
        if (message == null || message.length() < 3 || message.charAt(1) != '|') {
            return;
        }
        switch (message.charAt(0)) {
            case 'D' -> dispatched.incrementAndGet();
            case 'F' -> {
                finished.incrementAndGet();
                finishedSample.offer(message.substring(2));
            }
            default -> {
                // position updates and future kinds do not count
            }
        }
    }

    /** Signals since the previous call. */
    Counts drain() {
        List<String> sample = new ArrayList<>();
        finishedSample.drainTo(sample);
        return new Counts(dispatched.getAndSet(0), finished.getAndSet(0), sample);
    }

    @Override
    public void stop() {
        Integer id = listener;
        listener = null;
        if (id != null) {
            topic.removeListener(id).onErrorResume(e -> reactor.core.publisher.Mono.empty())
                    .block(io.ezthrottle.admin.web.Blocking.TIMEOUT);
        }
    }

    @Override
    public boolean isRunning() {
        return listener != null;
    }

    /**
     * @param dispatched     attempts started
     * @param finished       jobs that ended
     * @param finishedSample ids of some of those jobs (all of them when few)
     */
    record Counts(long dispatched, long finished, List<String> finishedSample) {
    }
}
