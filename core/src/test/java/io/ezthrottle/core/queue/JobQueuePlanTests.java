package io.ezthrottle.core.queue;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;

import io.ezthrottle.core.job.JobPayloadParser;
import io.ezthrottle.core.job.JobSpec;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** How the first attempts of a job (or of a fallback stage) are planned against the regions that have a live worker. */
class JobQueuePlanTests {

    private static final Set<String> LIVE = Set.of("iad", "lax");

    private final JobPayloadParser parser = new JobPayloadParser();

    private JobSpec spec(String regionFields) {
        return parser.parse(JsonMapper.builder().build().readTree(
                "{\"url\": \"https://api.example.test/x\"" + (regionFields.isEmpty() ? "" : ", " + regionFields) + "}"));
    }

    @Test
    void aJobWithoutRegionsRunsInAnyRegion() {
        JobQueue.Plan plan = JobQueue.plan(spec(""), 0, LIVE);
        assertThat(plan.refusal()).isNull();
        assertThat(plan.attempts()).containsExactly(new AttemptId(0, AttemptId.ANY_REGION));
    }

    @Test
    void everyListedLiveRegionGetsAnAttemptOfTheStage() {
        JobQueue.Plan plan = JobQueue.plan(spec("\"regions\": [\"iad\", \"lax\"], \"execution_mode\": \"fanout\""), 2, LIVE);
        assertThat(plan.refusal()).isNull();
        assertThat(plan.attempts()).containsExactly(new AttemptId(2, "iad"), new AttemptId(2, "lax"));
    }

    @Test
    void fallbackPolicySkipsRegionsWithoutWorker() {
        JobQueue.Plan plan = JobQueue.plan(spec("\"regions\": [\"ord\", \"lax\"]"), 0, LIVE);
        assertThat(plan.refusal()).isNull();
        assertThat(plan.attempts()).containsExactly(new AttemptId(0, "lax"));
    }

    @Test
    void fallbackPolicyWithNoListedRegionLiveRunsAnywhere() {
        JobQueue.Plan plan = JobQueue.plan(spec("\"regions\": [\"ord\", \"syd\"], \"region_policy\": \"fallback\""), 0, LIVE);
        assertThat(plan.refusal()).isNull();
        assertThat(plan.attempts()).containsExactly(new AttemptId(0, AttemptId.ANY_REGION));
    }

    @Test
    void strictPolicyRefusesWhenAnyListedRegionIsUnavailable() {
        JobQueue.Plan plan = JobQueue.plan(spec("\"regions\": [\"iad\", \"ord\"], \"region_policy\": \"strict\""), 0, LIVE);
        assertThat(plan.attempts()).isEmpty();
        assertThat(plan.refusal()).startsWith("region unavailable").contains("ord").doesNotContain("iad");
    }

    @Test
    void strictPolicyWithEveryRegionLiveRunsInEach() {
        JobQueue.Plan plan = JobQueue.plan(spec("\"regions\": [\"iad\", \"lax\"], \"region_policy\": \"strict\""), 0, LIVE);
        assertThat(plan.refusal()).isNull();
        assertThat(plan.attempts()).containsExactly(new AttemptId(0, "iad"), new AttemptId(0, "lax"));
    }

    @Test
    void attemptIdsAndQueueEntriesRoundTrip() {
        QueueEntry entry = new QueueEntry("job_1_abc", new AttemptId(1, "iad"), 3);
        assertThat(QueueEntry.from(entry.fields())).isEqualTo(entry);
        assertThat(QueueEntry.fromMember(entry.member())).isEqualTo(entry);
        assertThat(AttemptId.parse("0@*").anyRegion()).isTrue();
    }
}
