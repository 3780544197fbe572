package io.ezthrottle.admin.overview;

import java.time.Clock;
import java.util.List;

import io.ezthrottle.admin.AdminProperties;
import io.ezthrottle.admin.queues.BacklogReader;
import io.ezthrottle.admin.web.Blocking;
import io.ezthrottle.admin.web.SseBroadcaster;
import io.ezthrottle.admin.web.Ticker;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * Takes one {@link OverviewSample} per {@code overview.interval} from Redis alone, keeps the history and pushes each
 * point to the open Overview pages.
 *
 * <p>Where the numbers come from, and why: the services share nothing but Redis, and in Kubernetes the console may
 * not reach their pods (network policies), so it reads no service's {@code /actuator/prometheus}. Submitted = growth
 * of the tenants' monthly usage counters; dispatched, completed and failed = the workers' job signals on the
 * pub/sub channel (completed vs failed read from the finished jobs' records, a bounded sample when there are many);
 * backlog = stream, overflow and delayed-set sizes; webhook success = deliveries of sampled finished jobs. The same
 * code therefore works in the single-process launcher and with any number of replicas, and every console replica
 * computes the same picture on its own.
 */
@Component
class OverviewSampler implements SmartLifecycle {

    private final SubmittedJobs submitted;
    private final JobSignalTap signals;
    private final JobOutcomes outcomes;
    private final WebhookOutcomes webhooks;
    private final BacklogReader backlogs;
    private final Clock clock;
    private final AdminProperties.Overview settings;
    private final OverviewHistory history;
    private final SseBroadcaster pages = new SseBroadcaster(java.time.Duration.ofMinutes(10));
    private volatile Ticker ticker;
    private SubmittedJobs.Total lastTotal;
    private long lastAt;

    OverviewSampler(SubmittedJobs submitted, JobSignalTap signals, JobOutcomes outcomes, WebhookOutcomes webhooks,
                    BacklogReader backlogs, Clock clock, AdminProperties properties) {
        this.submitted = submitted;
        this.signals = signals;
        this.outcomes = outcomes;
        this.webhooks = webhooks;
        this.backlogs = backlogs;
        this.clock = clock;
        this.settings = properties.overview();
        this.history = new OverviewHistory(settings.points());
    }

    /** A stream that starts with the whole history. */
    SseEmitter watch() {
        return pages.open("history", history.points());
    }

    List<OverviewSample> history() {
        return history.points();
    }

    /** Runs on the ticker's thread only. */
    void sample() {
        long now = clock.millis();
        SubmittedJobs.Total total = Blocking.get(submitted.total());
        JobSignalTap.Counts counts = signals.drain();
        JobOutcomes.Split split = Blocking.get(outcomes.classify(counts.finishedSample())).scaledTo(counts.finished());
        webhooks.watch(counts.finishedSample());
        WebhookOutcomes.Tally tally = Blocking.get(webhooks.check());
        long backlog = Blocking.get(backlogs.read()).total();
        if (lastTotal != null) {
            double seconds = Math.max(0.001, (now - lastAt) / 1000.0);
            // a new month starts the counters over: no negative rate at the boundary
            long accepted = total.period().equals(lastTotal.period()) ? Math.max(0, total.jobs() - lastTotal.jobs()) : total.jobs();
            OverviewSample sample = new OverviewSample(now, accepted / seconds, counts.dispatched() / seconds,
                    split.completed() / seconds, split.failed() / seconds, backlog, tally.delivered(), tally.attempts());
            history.add(sample);
            pages.broadcast("sample", sample);
        }
        lastTotal = total;
        lastAt = now;
    }

    @Override
    public void start() {
        ticker = new Ticker("overview-sampler", settings.interval(), this::sample);
    }

    @Override
    public void stop() {
        if (ticker != null) {
            ticker.close();
            ticker = null;
        }
        pages.close();
    }

    @Override
    public boolean isRunning() {
        return ticker != null;
    }
}
