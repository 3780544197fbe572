package io.ezthrottle.admin.queues;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import io.ezthrottle.admin.ConsoleWebTestSupport;
import io.ezthrottle.core.delivery.DeadLetter;
import io.ezthrottle.core.delivery.DeadLetterStore;
import io.ezthrottle.core.delivery.DeliveryStore;
import io.ezthrottle.core.delivery.DeliveryView;
import io.ezthrottle.core.job.JobIds;
import io.ezthrottle.core.job.JobJson;
import io.ezthrottle.core.job.JobRecord;
import io.ezthrottle.core.job.JobState;
import io.ezthrottle.core.job.Surface;
import io.ezthrottle.core.job.redis.RedisJobStore;
import io.ezthrottle.core.queue.AttemptId;
import io.ezthrottle.core.queue.AttemptLedger;
import io.ezthrottle.core.queue.JobQueue;
import io.ezthrottle.core.queue.QueueEntry;
import io.ezthrottle.core.tenant.Tenant;
import io.ezthrottle.core.tenant.TenantStore;
import io.ezthrottle.core.tenant.Tier;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The queue view and job lookup over jobs enqueued the way the API enqueues them (record, then stream entries
 * through {@link JobQueue}), and dead-letter replay as the webhook dispatcher would then see it.
 */
class QueuePagesTests extends ConsoleWebTestSupport {

    @Autowired
    private TenantStore tenants;
    @Autowired
    private RedisJobStore jobs;
    @Autowired
    private JobQueue queue;
    @Autowired
    private JobJson json;
    @Autowired
    private Clock clock;
    @Autowired
    private QueueReader reader;
    @Autowired
    private DeadLetterStore deadLetters;
    @Autowired
    private DeliveryStore deliveries;
    @Autowired
    private AttemptLedger ledger;

    @Test
    void queuedJobsShowUpPerDestinationAndTenantAndInTheirTimeline() throws Exception {
        Tenant t = tenants.create("Queued Co", Tier.FREE).block(Duration.ofSeconds(5));
        String first = enqueue(t, "https://api.queued.example/v1/orders");
        enqueue(t, "https://api.queued.example/v1/refunds");
        enqueue(t, "http://other.queued.example:8080/x");

        QueueSnapshot snapshot = reader.read().block(Duration.ofSeconds(10));
        assertThat(snapshot.total()).isGreaterThanOrEqualTo(3);
        assertThat(snapshot.domains()).contains(new QueueSnapshot.DomainBacklog("api.queued.example", 2, 0, 0),
                new QueueSnapshot.DomainBacklog("other.queued.example:8080", 1, 0, 0));
        assertThat(snapshot.tenants()).contains(new QueueSnapshot.TenantBacklog(t.id(), 3));

        String timeline = mvc.perform(get("/jobs/" + first).with(user("viewer").roles("VIEWER"))).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        assertThat(timeline).contains("id=\"job-state\"").contains(">queued<").contains("0@*")
                .contains("https://api.queued.example/v1/orders").contains("accepted and put on the stream");
        mvc.perform(get("/jobs").param("id", " " + first + " ").with(user("viewer").roles("VIEWER")))
                .andExpect(status().is3xxRedirection());
    }

    @Test
    void theTimelineShowsWhatEveryTryOfAnAttemptGot() throws Exception {
        Tenant t = tenants.create("Retried Co", Tier.FREE).block(Duration.ofSeconds(5));
        String id = enqueue(t, "https://api.retried.example/v1/charge");
        AttemptId attempt = new AttemptId(0, AttemptId.ANY_REGION);
        QueueEntry first = new QueueEntry(id, attempt, 0);
        QueueEntry second = new QueueEntry(id, attempt, 1);
        ledger.claim(first, "worker-a", null).then(ledger.requeue(first, 1, "503"))
                .then(ledger.claim(second, "worker-b", null))
                .then(ledger.succeed(second, Map.of(AttemptLedger.tryField(second), "200", "status_code", "200")))
                .block(Duration.ofSeconds(5));

        String timeline = mvc.perform(get("/jobs/" + id).with(user("viewer").roles("VIEWER"))).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        String answers = timeline.substring(timeline.indexOf("class=\"answers\""));
        assertThat(answers).contains("<code>503</code>").contains(" → ").contains("<code>200</code>");
        assertThat(answers.indexOf("<code>503</code>")).as("oldest try first").isLessThan(answers.indexOf("<code>200</code>"));
    }

    @Test
    void theLiveViewStreamsSnapshots() throws Exception {
        Tenant t = tenants.create("Streamed Co", Tier.FREE).block(Duration.ofSeconds(5));
        enqueue(t, "https://stream.queued.example/");
        var result = mvc.perform(get("/queues/stream").with(user("viewer").roles("VIEWER")))
                .andExpect(request().asyncStarted()).andReturn();
        assertThat(result.getResponse().getContentType()).startsWith("text/event-stream");
        assertThat(result.getResponse().getContentAsString()).contains("event:snapshot").contains("stream.queued.example");
    }

    @Test
    void anUnknownJobSaysSo() throws Exception {
        String page = mvc.perform(get("/jobs/job_0_missing").with(user("viewer").roles("VIEWER"))).andExpect(status().isOk())
                .andReturn().getResponse().getContentAsString();
        assertThat(page).contains("id=\"job-missing\"");
        mvc.perform(get("/jobs/{id}", "not a job").with(user("viewer").roles("VIEWER"))).andExpect(status().isBadRequest());
    }

    @Test
    void replayingADeadLetterSchedulesItsWebhookAgainAndRemovesTheLetter() throws Exception {
        Tenant t = tenants.create("Dead Co", Tier.FREE).block(Duration.ofSeconds(5));
        long now = clock.millis();
        String id = deadLetters.add(new DeadLetter(null, t.id(), "job_dead_1", 0, "https://hooks.example/in", true,
                Surface.CLOUD, 5, now - 60_000, now, 500, "HTTP 500", "{\"job_id\":\"job_dead_1\"}"), 100, Duration.ofDays(7))
                .block(Duration.ofSeconds(5));
        QueueSnapshot before = reader.read().block(Duration.ofSeconds(10));
        assertThat(before.deadLetters()).extracting(QueueSnapshot.DeadLetterRow::id).contains(id);

        mvc.perform(post("/queues/dead-letters/" + t.id() + "/" + id + "/replay").with(user("admin").roles("ADMIN")).with(csrf()))
                .andExpect(status().is3xxRedirection());
        assertThat(deadLetters.count(t.id()).block(Duration.ofSeconds(5))).isZero();
        DeliveryView view = deliveries.view("job_dead_1").block(Duration.ofSeconds(5));
        assertThat(view.targets()).singleElement().satisfies(target -> {
            assertThat(target.state()).isEqualTo("pending");
            assertThat(target.attempts()).isZero();
            assertThat(target.url()).isEqualTo("https://hooks.example/in");
        });
        mvc.perform(post("/queues/dead-letters/" + t.id() + "/" + id + "/replay").with(user("admin").roles("ADMIN")).with(csrf()))
                .andExpect(status().isNotFound());
    }

    private String enqueue(Tenant t, String url) {
        String id = new JobIds(clock).next();
        long now = clock.millis();
        JobRecord job = new JobRecord(id, t.id(), Surface.CLOUD, JobState.QUEUED,
                json.read("{\"url\": \"" + url + "\", \"method\": \"GET\"}"), "key-" + id, now, now, 0, null, null, null);
        jobs.create(job).then(queue.enqueueNew(job)).block(Duration.ofSeconds(5));
        return id;
    }
}
