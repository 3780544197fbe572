package io.ezthrottle.worker.retry;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;

import io.ezthrottle.core.job.JobPayloadParser;
import io.ezthrottle.core.job.JobSpec;
import io.ezthrottle.core.job.Surface;
import io.ezthrottle.core.job.UpstreamResponse;
import io.ezthrottle.worker.WorkerProperties;
import io.ezthrottle.worker.dispatch.UpstreamOutcome;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import tools.jackson.databind.json.JsonMapper;

/** The decision after one attempt, in the order of compat-protocol §6.5, with the documented defaults (§2.2). */
class RetryPolicyEngineTests {

    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");

    private final WorkerProperties properties = new Binder(new MapConfigurationPropertySource(Map.of()))
            .bindOrCreate("ezthrottle.worker", WorkerProperties.class);
    private final RetryPolicyEngine engine = new RetryPolicyEngine(properties, Clock.fixed(NOW, ZoneOffset.UTC), null);
    private final JobPayloadParser parser = new JobPayloadParser();

    private JobSpec spec(String extra) {
        return parser.parse(JsonMapper.builder().build().readTree(
                "{\"url\": \"https://api.example.test/x\"" + (extra.isEmpty() ? "" : ", " + extra) + "}"));
    }

    private static UpstreamOutcome answer(int status, Map<String, String> headers) {
        return UpstreamOutcome.answered(new UpstreamResponse(status, headers, ""));
    }

    private static UpstreamOutcome answer(int status) {
        return answer(status, Map.of());
    }

    private NextStep decide(UpstreamOutcome outcome, JobSpec stage, long retriesUsed) {
        return engine.decide(outcome, Surface.CLOUD, stage, stage.fallbackJob(), retriesUsed, 0, Optional.empty());
    }

    @Test
    void twoHundredsSucceed() {
        assertThat(decide(answer(200), spec(""), 0).kind()).isEqualTo(NextStep.Kind.SUCCEED);
        assertThat(decide(answer(204), spec(""), 3).kind()).isEqualTo(NextStep.Kind.SUCCEED);
    }

    @Test
    void aMatchingFallbackTriggerWinsOverRetries() {
        JobSpec job = spec("\"fallback_job\": {\"url\": \"https://b.example.test\", \"trigger\": {\"type\": \"on_error\", \"codes\": [500, 503]}}");
        assertThat(decide(answer(500), job, 0).kind()).isEqualTo(NextStep.Kind.FALLBACK);
        // Not a trigger code: the normal policy applies (500 is retried).
        assertThat(decide(answer(502), job, 0).kind()).isEqualTo(NextStep.Kind.RETRY);
    }

    @Test
    void anOnTimeoutOrEmptyTriggerNeverHandsOverEarly() {
        JobSpec timeout = spec("\"fallback_job\": {\"url\": \"https://b.example.test\", \"trigger\": {\"type\": \"on_timeout\", \"timeout_ms\": 500}}");
        JobSpec empty = spec("\"fallback_job\": {\"url\": \"https://b.example.test\", \"trigger\": {}}");
        assertThat(decide(answer(500), timeout, 0).kind()).isEqualTo(NextStep.Kind.RETRY);
        assertThat(decide(answer(500), empty, 0).kind()).isEqualTo(NextStep.Kind.RETRY);
    }

    @Test
    void defaultRetryCodesAreRetriedUpToThreeTimesThenFail() {
        for (int status : new int[] {429, 500, 502, 503, 504}) {
            assertThat(decide(answer(status), spec(""), 0).kind()).as("status %d", status).isEqualTo(NextStep.Kind.RETRY);
            assertThat(decide(answer(status), spec(""), 2).kind()).as("status %d", status).isEqualTo(NextStep.Kind.RETRY);
            assertThat(decide(answer(status), spec(""), 3).kind()).as("status %d", status).isEqualTo(NextStep.Kind.FAIL);
        }
    }

    @Test
    void otherClientErrorsFailAtOnce() {
        for (int status : new int[] {400, 401, 403, 404, 409, 422}) {
            assertThat(decide(answer(status), spec(""), 0).kind()).as("status %d", status).isEqualTo(NextStep.Kind.FAIL);
        }
    }

    @Test
    void transportFailuresAreRetried() {
        UpstreamOutcome refused = UpstreamOutcome.transportFailure("connection to upstream failed");
        assertThat(decide(refused, spec(""), 0).kind()).isEqualTo(NextStep.Kind.RETRY);
        assertThat(decide(refused, spec(""), 3).kind()).isEqualTo(NextStep.Kind.FAIL);
    }

    @Test
    void theJobsOwnPolicyReplacesTheDefaults() {
        JobSpec job = spec("\"retry_policy\": {\"max_retries\": 1, \"retry_codes\": [418]}");
        assertThat(decide(answer(418), job, 0).kind()).isEqualTo(NextStep.Kind.RETRY);
        assertThat(decide(answer(418), job, 1).kind()).isEqualTo(NextStep.Kind.FAIL);
        assertThat(decide(answer(500), job, 0).kind()).as("500 is no longer a retry code").isEqualTo(NextStep.Kind.FAIL);
        // Go sends the members in camelCase (compat-protocol D4).
        JobSpec camel = spec("\"retry_policy\": {\"maxRetries\": 0}");
        assertThat(decide(answer(503), camel, 0).kind()).isEqualTo(NextStep.Kind.FAIL);
    }

    // Holding the whole destination is DestinationBackoff's (DestinationBackoffIntegrationTests).
    @Test
    void retryAfterInSecondsIsHonoured() {
        NextStep step = decide(answer(429, Map.of("retry-after", "7")), spec(""), 0);
        assertThat(step.kind()).isEqualTo(NextStep.Kind.RETRY);
        assertThat(step.delay()).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void retryAfterAsHttpDateIsHonouredOn503() {
        NextStep step = decide(answer(503, Map.of("retry-after", "Sun, 01 Jun 2025 12:00:30 GMT")), spec(""), 0);
        assertThat(step.delay()).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void retryAfterIsCapped() {
        NextStep step = decide(answer(429, Map.of("retry-after", "86400")), spec(""), 0);
        assertThat(step.delay()).isEqualTo(properties.retryAfterMax());
    }

    @Test
    void retryAfterOnOtherStatusesIsIgnored() {
        NextStep step = decide(answer(500, Map.of("retry-after", "120")), spec(""), 0);
        assertThat(step.kind()).isEqualTo(NextStep.Kind.RETRY);
        assertThat(step.delay()).isLessThanOrEqualTo(properties.backoffBase());
    }

    @RepeatedTest(20)
    void backoffIsExponentialWithFullJitterAndBounded() {
        for (int n = 0; n < 12; n++) {
            Duration d = engine.backoff(n);
            long cap = Math.min(properties.backoffMax().toMillis(), properties.backoffBase().toMillis() << n);
            assertThat(d.toMillis()).as("retry %d", n).isBetween(50L, Math.max(50L, cap));
        }
    }

    @Test
    void rerouteCodesMoveToAnotherLiveRegionOnceRetriesAreUsed() {
        JobSpec job = spec("\"regions\": [\"iad\", \"lax\"], \"retry_policy\": {\"max_retries\": 0, \"max_reroutes\": 1}");
        NextStep step = engine.decide(answer(502), Surface.CLOUD, job, null, 0, 0, Optional.of("lax"));
        assertThat(step.kind()).isEqualTo(NextStep.Kind.REROUTE);
        assertThat(step.rerouteRegion()).isEqualTo("lax");
        assertThat(engine.decide(answer(502), Surface.CLOUD, job, null, 0, 1, Optional.of("lax")).kind())
                .as("reroutes used up").isEqualTo(NextStep.Kind.FAIL);
        assertThat(engine.decide(answer(502), Surface.CLOUD, job, null, 0, 0, Optional.empty()).kind())
                .as("no other region").isEqualTo(NextStep.Kind.FAIL);
        assertThat(engine.decide(answer(429), Surface.CLOUD, job, null, 0, 0, Optional.of("lax")).kind())
                .as("429 is not a reroute code").isEqualTo(NextStep.Kind.FAIL);
    }

    @Test
    void onTheLocalSurfaceAnyHttpAnswerCompletesTheJob() {
        assertThat(engine.decide(answer(404), Surface.LOCAL, spec(""), null, 0, 0, Optional.empty()).kind())
                .isEqualTo(NextStep.Kind.SUCCEED);
        assertThat(engine.decide(answer(500), Surface.LOCAL, spec(""), null, 0, 0, Optional.empty()).kind())
                .as("still retried first").isEqualTo(NextStep.Kind.RETRY);
        assertThat(engine.decide(answer(500), Surface.LOCAL, spec(""), null, 3, 0, Optional.empty()).kind())
                .isEqualTo(NextStep.Kind.SUCCEED);
        assertThat(engine.decide(UpstreamOutcome.transportFailure("timed out"), Surface.LOCAL, spec(""), null, 3, 0,
                Optional.empty()).kind()).isEqualTo(NextStep.Kind.FAIL);
    }
}
