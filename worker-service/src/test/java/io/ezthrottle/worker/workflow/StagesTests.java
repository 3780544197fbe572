package io.ezthrottle.worker.workflow;

import static org.assertj.core.api.Assertions.assertThat;

import io.ezthrottle.core.job.JobPayloadParser;
import io.ezthrottle.core.job.JobSpec;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** Fallback stages of a job and when a stage's final failure starts the next one (compat-protocol §2.2, A26). */
class StagesTests {

    private final JobPayloadParser parser = new JobPayloadParser();

    private JobSpec parse(String json) {
        return parser.parse(JsonMapper.builder().build().readTree(json));
    }

    private JobSpec withTrigger(String trigger) {
        return parse("{\"url\": \"https://a.example.test\", \"fallback_job\": {\"url\": \"https://b.example.test\""
                + (trigger == null ? "" : ", \"trigger\": " + trigger) + "}}");
    }

    @Test
    void stagesFollowTheNestedFallbacks() {
        JobSpec root = parse("""
                {"url": "https://a.example.test", "fallback_job": {"url": "https://b.example.test",
                 "fallbackJob": {"url": "https://c.example.test"}}}
                """);
        assertThat(Stages.spec(root, 0).url()).isEqualTo("https://a.example.test");
        assertThat(Stages.spec(root, 1).url()).isEqualTo("https://b.example.test");
        assertThat(Stages.spec(root, 2).url()).isEqualTo("https://c.example.test");
        assertThat(Stages.spec(root, 3)).isNull();
    }

    @Test
    void onErrorCodesLimitWhichFinalStatusesStartTheFallback() {
        JobSpec next = withTrigger("{\"type\": \"on_error\", \"codes\": [500, 503]}").fallbackJob();
        assertThat(Stages.startsAfterFailure(next, 500)).isTrue();
        assertThat(Stages.startsAfterFailure(next, 503)).isTrue();
        assertThat(Stages.startsAfterFailure(next, 400)).isFalse();
        assertThat(Stages.startsAfterFailure(next, 429)).isFalse();
    }

    @Test
    void emptyTriggersOrCodesStartOnAnyFinalFailure() {
        for (String trigger : new String[] {null, "{}", "{\"type\": \"on_error\", \"codes\": []}",
                "{\"type\": \"on_timeout\", \"timeout_ms\": 500}"}) {
            JobSpec next = withTrigger(trigger).fallbackJob();
            assertThat(Stages.startsAfterFailure(next, 400)).as("trigger %s", trigger).isTrue();
            assertThat(Stages.startsAfterFailure(next, null)).as("trigger %s", trigger).isTrue();
        }
    }

    @Test
    void noNextStageStartsNothing() {
        assertThat(Stages.startsAfterFailure(null, 500)).isFalse();
    }
}
