package io.ezthrottle.admin.overview;

import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.user;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.request;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import io.ezthrottle.admin.ConsoleWebTestSupport;
import io.ezthrottle.core.job.JobIds;
import io.ezthrottle.core.job.JobJson;
import io.ezthrottle.core.job.JobRecord;
import io.ezthrottle.core.job.JobState;
import io.ezthrottle.core.job.Surface;
import io.ezthrottle.core.job.redis.RedisJobStore;
import io.ezthrottle.core.redis.RedisKeys;
import io.ezthrottle.core.tenant.Tenant;
import io.ezthrottle.core.tenant.TenantStore;
import io.ezthrottle.core.tenant.Tier;
import io.ezthrottle.core.usage.UsageMeter;
import io.ezthrottle.testsupport.Await;
import org.junit.jupiter.api.Test;
import org.redisson.api.RedissonReactiveClient;
import org.redisson.client.codec.StringCodec;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The Overview's numbers from Redis: accepted jobs from the usage counters, dispatched and finished jobs from the
 * workers' signals on the job-events channel (published here exactly as workers publish them), completed versus
 * failed from the job records.
 */
class OverviewTests extends ConsoleWebTestSupport {

    @Autowired
    private OverviewSampler sampler;
    @Autowired
    private TenantStore tenants;
    @Autowired
    private UsageMeter usage;
    @Autowired
    private RedissonReactiveClient redis;
    @Autowired
    private RedisKeys keys;
    @Autowired
    private RedisJobStore jobs;
    @Autowired
    private JobJson json;
    @Autowired
    private Clock clock;

    @Test
    void ratesFollowUsageCountersAndJobSignals() {
        // from the second point on every interval starts at a point in the history, so rates sum up to counts
        Await.until(() -> sampler.history().size() >= 2, Duration.ofSeconds(20), () -> "sampler not running");
        Tenant t = tenants.create("Busy Co", Tier.PRO).block(Duration.ofSeconds(5));
        String done = job(t, JobState.COMPLETED);
        String broken = job(t, JobState.FAILED);
        redis.getBucket(usage.counterKey(t.id(), usage.currentPeriod()), StringCodec.INSTANCE).set("40")
                .block(Duration.ofSeconds(5));
        var topic = redis.getTopic(keys.jobEvents(), StringCodec.INSTANCE);
        topic.publish("D|" + done).then(topic.publish("D|" + broken)).then(topic.publish("F|" + done))
                .then(topic.publish("F|" + broken)).then(topic.publish("P|" + done + "|3")).block(Duration.ofSeconds(5));

        Await.until(() -> sampler.history().stream().anyMatch(s -> s.submitted() > 0), Duration.ofSeconds(20),
                () -> "no submission rate in " + sampler.history());
        Await.until(() -> total(sampler.history(), "dispatched") == 2 && total(sampler.history(), "completed") == 1
                        && total(sampler.history(), "failed") == 1, Duration.ofSeconds(20),
                () -> "signals not counted: " + sampler.history());
    }

    @Test
    void theSplitOfASampleIsScaledToAllFinishedJobs() {
        assertThat(new JobOutcomes.Split(3, 1).scaledTo(400)).isEqualTo(new JobOutcomes.Split(300, 100));
        assertThat(new JobOutcomes.Split(2, 0).scaledTo(2)).isEqualTo(new JobOutcomes.Split(2, 0));
        assertThat(new OverviewSample(0, 0, 0, 0, 0, 0, 3, 4).webhookSuccess()).isEqualTo(75.0);
        assertThat(new OverviewSample(0, 0, 0, 0, 0, 0, 0, 0).webhookSuccess()).isNull();
    }

    @Test
    void thePageAndItsStreamServeEveryLoggedInUser() throws Exception {
        String page = mvc.perform(get("/").with(user("viewer").roles("VIEWER"))).andExpect(status().isOk()).andReturn()
                .getResponse().getContentAsString();
        assertThat(page).contains("id=\"chart-throughput\"").contains("id=\"chart-backlog\"").contains("id=\"chart-webhooks\"")
                .contains("/js/charts.js").doesNotContain("cdn");
        var stream = mvc.perform(get("/overview/stream").with(user("viewer").roles("VIEWER")))
                .andExpect(request().asyncStarted()).andReturn();
        assertThat(stream.getResponse().getContentAsString()).startsWith("event:history");
    }

    /** Jobs counted over the history: rate × interval, summed. */
    private static long total(List<OverviewSample> history, String which) {
        double sum = 0;
        for (int i = 1; i < history.size(); i++) {
            double seconds = (history.get(i).at() - history.get(i - 1).at()) / 1000.0;
            OverviewSample s = history.get(i);
            sum += seconds * switch (which) {
                case "dispatched" -> s.dispatched();
                case "completed" -> s.completed();
                default -> s.failed();
            };
        }
        return Math.round(sum);
    }

    private String job(Tenant t, JobState state) {
        String id = new JobIds(clock).next();
        long now = clock.millis();
        jobs.create(new JobRecord(id, t.id(), Surface.CLOUD, state, json.read("{\"url\": \"https://x.example/\"}"), "k" + id,
                now, now, 1, null, null, null)).block(Duration.ofSeconds(5));
        return id;
    }
}
