package io.ezthrottle.api.stream;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.ezthrottle.core.event.JobEvents;
import io.ezthrottle.core.event.JobSignal;
import io.ezthrottle.core.job.JobRecord;
import io.ezthrottle.core.job.JobState;
import io.ezthrottle.core.job.Surface;
import io.ezthrottle.core.job.redis.RedisJobStore;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The events of one job's live stream (compat-protocol §1.7, A32): {@code queued} first, {@code dispatching} once a
 * worker has started it, {@code position} while it waits (when workers publish positions), then {@code completed}
 * or {@code failed}, after which the stream ends. A stream opened after the end replays the terminal event and
 * ends at once.
 *
 * <p>What the stream shows is always read from the job record: pub/sub signals from any replica only say "look
 * now", and a slow poll catches whatever a lost signal missed. Every {@code data} carries its {@code event} name
 * (the superset of the local server's live and catch-up shapes).
 */
@Component
public class JobEventStream {

    /** Ends a stream whose job record expired under it (nothing more can happen); never written to the client. */
    private static final SseEvent END = new SseEvent("end", "", true);
    /** The trigger that starts a stream. */
    private static final JobSignal START = new JobSignal(JobSignal.Type.FINISHED, "", 0);

    private final RedisJobStore jobs;
    private final JobEvents events;
    private final StreamProperties properties;
    private final Clock clock;
    private final ObjectMapper json = JsonMapper.builder().build();

    public JobEventStream(RedisJobStore jobs, JobEvents events, StreamProperties properties, Clock clock) {
        this.jobs = jobs;
        this.events = events;
        this.properties = properties;
        this.clock = clock;
    }

    /** Events for a job whose record was just read (and whose owner was checked) by the caller. */
    public Flux<SseEvent> events(JobRecord job) {
        Progress progress = new Progress(clock.millis());
        Duration tick = properties.poll().compareTo(properties.keepalive()) < 0 ? properties.poll() : properties.keepalive();
        // Merge subscribes in order: the signal listener is in place before START emits "queued", so a client that
        // has seen "queued" cannot miss a signal published after it. Without Redis pub/sub, polling still works.
        Flux<JobSignal> triggers = Flux.merge(
                events.signals(job.id()),
                Flux.interval(tick, tick).map(t -> new JobSignal(null, job.id(), 0)),
                Flux.just(START));
        return events.ready().onErrorResume(e -> Mono.empty())
                .thenMany(triggers.concatMap(signal -> signal == START ? start(job, progress) : react(job.id(), signal, progress)))
                .takeUntil(SseEvent::terminal)
                .filter(e -> e != END)
                .doOnNext(e -> progress.lastEmit = clock.millis());
    }

    /** {@code queued} (always first, compat-protocol §1.7), then whatever the record already implies. */
    private Flux<SseEvent> start(JobRecord job, Progress progress) {
        SseEvent queued = event("queued", job.id(), n -> n.put("status", "queued"), false);
        return Flux.concat(Flux.just(queued), Flux.fromIterable(catchUp(job, progress)),
                // Re-read at once: the job may have moved between the caller's read and the listener's start.
                react(job.id(), new JobSignal(JobSignal.Type.FINISHED, job.id(), 0), progress));
    }

    private Flux<SseEvent> react(String jobId, JobSignal signal, Progress progress) {
        if (progress.ended) {
            return Flux.empty();
        }
        if (signal.type() == JobSignal.Type.POSITION) {
            return progress.dispatched ? Flux.empty()
                    : Flux.just(event("position", jobId, n -> n.put("position", signal.position()), false));
        }
        Flux<SseEvent> keepalive = signal.type() == null && clock.millis() - progress.lastEmit >= properties.keepalive().toMillis()
                ? Flux.just(SseEvent.comment("keepalive")) : Flux.empty();
        Flux<SseEvent> changes = jobs.find(jobId)
                .map(record -> catchUp(record, progress))
                .defaultIfEmpty(List.of(END))
                .flatMapIterable(list -> list);
        return Flux.concat(keepalive, changes)
                .takeUntil(SseEvent::terminal);
    }

    /** The events the record implies that were not sent yet. */
    private List<SseEvent> catchUp(JobRecord record, Progress progress) {
        List<SseEvent> out = new ArrayList<>();
        if (record.state() != JobState.QUEUED && !progress.dispatched) {
            progress.dispatched = true;
            out.add(event("dispatching", record.id(), n -> { }, false));
        }
        if (record.state().terminal() && !progress.ended) {
            progress.ended = true;
            out.add(terminal(record));
        }
        return out;
    }

    /**
     * {@code completed} carries the upstream status and body; {@code failed} the reason. On the local surface
     * "completed" means an HTTP answer was obtained whatever its status (local semantics, §6.5); on the cloud
     * surface it follows the job's outcome, and a failed job with an answer carries that answer too.
     */
    private SseEvent terminal(JobRecord job) {
        boolean completed = job.surface() == Surface.LOCAL ? job.response() != null : job.state() == JobState.COMPLETED;
        if (completed) {
            return event("completed", job.id(), n -> {
                n.put("response_status", job.response() == null ? 0 : job.response().statusCode());
                n.put("body", job.response() == null ? "" : job.response().body());
            }, true);
        }
        return event("failed", job.id(), n -> {
            n.put("reason", job.error() == null ? "failed" : job.error());
            if (job.response() != null) {
                n.put("response_status", job.response().statusCode());
                n.put("body", job.response().body());
            }
        }, true);
    }

    private SseEvent event(String name, String jobId, java.util.function.Consumer<ObjectNode> fields, boolean terminal) {
        ObjectNode n = json.createObjectNode();
        n.put("event", name);
        n.put("job_id", jobId);
        fields.accept(n);
        return new SseEvent(name, json.writeValueAsString(n), terminal);
    }

    /** What this stream has already told its client. */
    private static final class Progress {
        volatile boolean dispatched;
        volatile boolean ended;
        volatile long lastEmit;

        Progress(long now) {
            this.lastEmit = now;
        }
    }
}
