package io.ezthrottle.worker.recovery;

import java.time.Duration;

import io.ezthrottle.core.queue.JobQueue;
import io.ezthrottle.core.queue.QueueEntry;
import io.ezthrottle.worker.WorkerProperties;
import io.ezthrottle.worker.workflow.WorkflowActions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;

/**
 * Moves due entries of the delayed set (retries after backoff or Retry-After, future {@code retry_at}) onto their
 * streams, and fires due workflow timers. Any worker may run it: members are taken atomically, and a member whose
 * mover died is picked up again after a short while.
 */
@Component
public class DelayedPump implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DelayedPump.class);
    private static final long STUCK_MILLIS = 10_000;

    private final JobQueue queue;
    private final WorkflowActions workflow;
    private final WorkerProperties properties;
    private volatile Disposable loop;

    public DelayedPump(JobQueue queue, WorkflowActions workflow, WorkerProperties properties) {
        this.queue = queue;
        this.workflow = workflow;
        this.properties = properties;
    }

    @Override
    public void start() {
        loop = Mono.defer(this::tick)
                .onErrorResume(e -> {
                    log.warn("delayed pump error: {}", e.toString());
                    return Mono.delay(Duration.ofMillis(500)).then();
                })
                .then(Mono.delay(properties.delayedPoll()))
                .repeat()
                .subscribe();
    }

    Mono<Void> tick() {
        return queue.takeDue(500, STUCK_MILLIS)
                .concatMap(member -> handle(member).then(queue.moved(member)))
                .then();
    }

    private Mono<Void> handle(String member) {
        if (member.startsWith("E|")) {
            return queue.publish(QueueEntry.fromMember(member)).then();
        }
        return workflow.timer(member);
    }

    @Override
    public void stop() {
        if (loop != null) {
            loop.dispose();
            loop = null;
        }
    }

    @Override
    public boolean isRunning() {
        return loop != null;
    }

}
