package io.ezthrottle.core.job;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

class JobJsonTests {

    private final JobJson jobJson = new JobJson();

    @Test
    void writeThenReadGivesAnEqualSpec() {
        Map<String, Object> metadata = new LinkedHashMap<>();
        metadata.put("order", 42);
        metadata.put("tags", List.of("a", "b"));
        metadata.put("nested", Map.of("k", "v"));

        JobSpec onSuccess = new JobSpec("https://a.example/next", "POST", Map.of("X-Step", "2"), "{\"ok\":true}",
                Map.of(), List.of(), 1, List.of(), null, null, null, null, null, null, null, null, "child-key",
                null, null);
        JobSpec innerFallback = new JobSpec("https://b.example/second", "GET", Map.of(), null, Map.of(), List.of(), 1,
                List.of(), null, null, null, null, new Trigger(Trigger.Type.ON_TIMEOUT, List.of(), 500L), null, null,
                null, null, null, null);
        JobSpec fallback = new JobSpec("https://b.example/first", "PUT", Map.of(), "raw", Map.of(),
                List.of(new WebhookTarget("https://hooks.example/fb", List.of("iad"), false)), 1, List.of("ord"),
                RegionPolicy.STRICT, ExecutionMode.RACE, new RetryPolicy(1, 0, List.of(429), List.of()),
                innerFallback, new Trigger(Trigger.Type.ON_ERROR, List.of(500, 502, 503), null), null, null, null,
                null, null, null);
        JobSpec root = new JobSpec("https://api.example/v1/things?x=1", "POST",
                Map.of("Authorization", "Bearer abc", "Content-Type", "application/json"), "{\"a\":1}", metadata,
                List.of(new WebhookTarget("https://hooks.example/1", List.of(), true),
                        new WebhookTarget("https://hooks.example/2", List.of("iad", "lax"), false)),
                2, List.of("iad", "lax"), RegionPolicy.FALLBACK, ExecutionMode.FANOUT,
                new RetryPolicy(5, 3, List.of(429, 503), List.of(500, 502, 504)), fallback, null, onSuccess,
                new JobSpec("https://a.example/failed", "GET", null, null, null, null, 1, null, null, null, null, null,
                        null, null, null, null, null, null, null),
                60_000L, "my-key", 1_700_000_000_000L, "user-7");

        String text = jobJson.write(root);
        JobSpec back = jobJson.read(text);

        assertThat(back).isEqualTo(root);
        assertThat(back.fallbackJob().fallbackJob().trigger().timeoutMs()).isEqualTo(500L);
        assertThat(jobJson.write(back)).isEqualTo(text);
    }

    @Test
    void writtenJsonUsesCanonicalSnakeCase() {
        JobSpec spec = new JobPayloadParser().parse(jobJson.readTree("""
                {"url": "https://a.example/x", "webhookQuorum": 1, "idempotentKey": "k",
                 "fallbackJob": {"url": "https://a.example/y", "trigger": {"type": "on_timeout", "timeoutMs": 9}},
                 "onSuccess": {"url": "https://a.example/z"}, "retryPolicy": {"maxRetries": 2}}
                """));
        JsonNode written = jobJson.readTree(jobJson.write(spec));
        assertThat(written.has("fallback_job")).isTrue();
        assertThat(written.has("on_success")).isTrue();
        assertThat(written.has("idempotent_key")).isTrue();
        assertThat(written.get("retry_policy").get("max_retries").intValue()).isEqualTo(2);
        assertThat(written.get("fallback_job").get("trigger").get("timeout_ms").longValue()).isEqualTo(9L);
        assertThat(jobJson.read(written.toString())).isEqualTo(spec);
    }
}
