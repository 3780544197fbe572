package io.ezthrottle.core.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class JobPayloadParserTests {

    private static final JsonMapper MAPPER = JsonMapper.builder().build();
    private static final String APP = "http://app.example.test";

    private final JobPayloadParser parser = new JobPayloadParser();

    private static JsonNode tree(String text) {
        return MAPPER.readTree(text);
    }

    private JobSpec parse(String text) {
        return parser.parse(tree(text));
    }

    // compat-protocol §2.3 worked example, verbatim shapes

    private static final String NODE = """
            {"url": "https://httpbin.org/status/500?test=fallback_primary", "method": "GET",
             "webhooks": [{"url": "%1$s/webhook", "has_quorum_vote": true}],
             "fallback_job": {"url": "https://httpbin.org/delay/2?test=fallback_1", "method": "GET",
                              "trigger": {"type": "on_error", "codes": [500, 502, 503]},
                              "fallbackJob": {"url": "https://httpbin.org/status/200?test=fallback_2", "method": "GET",
                                              "trigger": {"type": "on_timeout", "timeout_ms": 500}}},
             "idempotent_key": "fallback_chain_0f8fad5b-d9cb-469f-a165-70867728950e"}
            """.formatted(APP);

    private static final String PYTHON = """
            {"url": "https://httpbin.org/status/500?test=fallback_primary", "method": "GET",
             "webhooks": [{"url": "%1$s/webhook", "has_quorum_vote": true}],
             "fallback_job": {"url": "https://httpbin.org/delay/2?test=fallback_1", "method": "GET",
                              "trigger": {"type": "on_error", "codes": [500, 502, 503]},
                              "fallback_job": {"url": "https://httpbin.org/status/200?test=fallback_2", "method": "GET",
                                               "trigger": {"type": "on_timeout", "timeout_ms": 500}}},
             "idempotent_key": "fallback_chain_0f8fad5b-d9cb-469f-a165-70867728950e"}
            """.formatted(APP);

    private static final String GO = """
            {"url": "https://httpbin.org/status/500?test=fallback_primary", "method": "GET", "headers": {}, "metadata": {},
             "webhooks": [{"url": "%1$s/webhook", "hasQuorumVote": true}], "webhook_quorum": 1,
             "region_policy": "fallback", "execution_mode": "race",
             "fallback_job": {"url": "https://httpbin.org/delay/2?test=fallback_1", "method": "GET", "webhook_quorum": 1,
                              "region_policy": "fallback", "execution_mode": "race",
                              "trigger": {"codes": [500, 502, 503], "type": "on_error"},
                              "fallback_job": {"url": "https://httpbin.org/status/200?test=fallback_2", "method": "GET",
                                               "webhook_quorum": 1, "region_policy": "fallback", "execution_mode": "race",
                                               "trigger": {"timeout_ms": 500, "type": "on_timeout"}}},
             "idempotent_key": "fallback_chain_0f8fad5b-d9cb-469f-a165-70867728950e"}
            """.formatted(APP);

    @Test
    void workedExampleNodeShapeParsesToExpectedTree() {
        assertWorkedExampleTree(parse(NODE));
    }

    @Test
    void workedExamplePythonShapeParsesToExpectedTree() {
        assertWorkedExampleTree(parse(PYTHON));
    }

    @Test
    void workedExampleGoShapeParsesToExpectedTree() {
        JobSpec go = parse(GO);
        assertWorkedExampleTree(go);
        assertThat(go.headers()).isEmpty();
        assertThat(go.metadata()).isEmpty();
        assertThat(go.webhookQuorum()).isEqualTo(1);
        assertThat(go.fallbackJob().webhookQuorum()).isEqualTo(1);
        assertThat(go.fallbackJob().fallbackJob().webhookQuorum()).isEqualTo(1);
    }

    @Test
    void workedExampleShapesOfAllThreeSdksAreEqual() {
        JobSpec node = parse(NODE);
        JobSpec python = parse(PYTHON);
        JobSpec go = parse(GO);
        assertThat(python).isEqualTo(node);
        assertThat(go).isEqualTo(node);
    }

    private static void assertWorkedExampleTree(JobSpec root) {
        assertThat(root.url()).isEqualTo("https://httpbin.org/status/500?test=fallback_primary");
        assertThat(root.method()).isEqualTo("GET");
        assertThat(root.webhooks()).containsExactly(new WebhookTarget(APP + "/webhook", List.of(), true));
        assertThat(root.webhooks().get(0).hasQuorumVote()).isTrue();
        assertThat(root.webhookQuorum()).isEqualTo(1);
        assertThat(root.regionPolicy()).isEqualTo(RegionPolicy.FALLBACK);
        assertThat(root.executionMode()).isEqualTo(ExecutionMode.RACE);
        assertThat(root.idempotentKey()).isEqualTo("fallback_chain_0f8fad5b-d9cb-469f-a165-70867728950e");
        assertThat(root.trigger()).isEqualTo(Trigger.ANY_FAILURE);
        assertThat(root.fallbackDepth()).isEqualTo(2);

        JobSpec first = root.fallbackJob();
        assertThat(first.url()).isEqualTo("https://httpbin.org/delay/2?test=fallback_1");
        assertThat(first.method()).isEqualTo("GET");
        assertThat(first.trigger().type()).isEqualTo(Trigger.Type.ON_ERROR);
        assertThat(first.trigger().codes()).containsExactly(500, 502, 503);
        assertThat(first.trigger().timeoutMs()).isNull();
        assertThat(first.idempotentKey()).isNull();

        JobSpec second = first.fallbackJob();
        assertThat(second).isNotNull();
        assertThat(second.url()).isEqualTo("https://httpbin.org/status/200?test=fallback_2");
        assertThat(second.method()).isEqualTo("GET");
        assertThat(second.trigger().type()).isEqualTo(Trigger.Type.ON_TIMEOUT);
        assertThat(second.trigger().timeoutMs()).isEqualTo(500L);
        assertThat(second.trigger().codes()).isEmpty();
        assertThat(second.fallbackJob()).isNull();
    }

    @Test
    void hasQuorumVoteIsReadFromBothSpellingsAndDefaultsToTrue() {
        JobSpec spec = parse("""
                {"url": "https://a.example/x", "webhooks": [
                  {"url": "https://h.example/1", "has_quorum_vote": true},
                  {"url": "https://h.example/2", "hasQuorumVote": true},
                  {"url": "https://h.example/3", "has_quorum_vote": false},
                  {"url": "https://h.example/4", "hasQuorumVote": false},
                  {"url": "https://h.example/5"},
                  {"url": "https://h.example/6", "has_quorum_vote": false, "hasQuorumVote": true}]}
                """);
        assertThat(spec.webhooks()).extracting(WebhookTarget::hasQuorumVote)
                .containsExactly(true, true, false, false, true, false);
    }

    @Test
    void camelCaseIsHonouredAtNestedLevels() {
        JobSpec root = parse("""
                {"url": "https://a.example/root",
                 "fallback_job": {
                   "url": "https://a.example/fb", "method": "post",
                   "idempotentKey": "Key-Verbatim_1",
                   "webhookQuorum": 2,
                   "regionPolicy": "strict",
                   "executionMode": "fanout",
                   "regions": ["iad", "lax"],
                   "retryPolicy": {"maxRetries": 7, "maxReroutes": 4, "retryCodes": [429], "rerouteCodes": [502]},
                   "retryAt": 1700000000000,
                   "onFailureTimeoutMs": 30000,
                   "trigger": {"type": "on_timeout", "timeoutMs": 250},
                   "onSuccess": {"url": "https://a.example/ok"},
                   "onFailure": {"url": "https://a.example/ko", "idempotentKey": "k2"}
                 }}
                """);
        JobSpec fb = root.fallbackJob();
        assertThat(fb.method()).isEqualTo("POST");
        assertThat(fb.idempotentKey()).isEqualTo("Key-Verbatim_1");
        assertThat(fb.webhookQuorum()).isEqualTo(2);
        assertThat(fb.regionPolicy()).isEqualTo(RegionPolicy.STRICT);
        assertThat(fb.executionMode()).isEqualTo(ExecutionMode.FANOUT);
        assertThat(fb.regions()).containsExactly("iad", "lax");
        assertThat(fb.retryPolicy()).isEqualTo(new RetryPolicy(7, 4, List.of(429), List.of(502)));
        assertThat(fb.retryAt()).isEqualTo(1_700_000_000_000L);
        assertThat(fb.onFailureTimeoutMs()).isEqualTo(30_000L);
        assertThat(fb.trigger()).isEqualTo(new Trigger(Trigger.Type.ON_TIMEOUT, List.of(), 250L));
        assertThat(fb.onSuccess().url()).isEqualTo("https://a.example/ok");
        assertThat(fb.onFailure().url()).isEqualTo("https://a.example/ko");
        assertThat(fb.onFailure().idempotentKey()).isEqualTo("k2");
    }

    @Test
    void goRetryPolicyWithCamelMembersAndZerosOmittedTakesDefaultsForAbsentMembers() {
        JobSpec spec = parse("""
                {"url": "https://a.example/x", "retry_policy": {"maxRetries": 5, "retryCodes": [429, 503]}}
                """);
        assertThat(spec.retryPolicy()).isEqualTo(new RetryPolicy(5, RetryPolicy.DEFAULT.maxReroutes(),
                List.of(429, 503), RetryPolicy.DEFAULT.rerouteCodes()));
    }

    @Test
    void absentRetryPolicyIsTheDefault() {
        assertThat(parse("{\"url\": \"https://a.example/x\"}").retryPolicy()).isEqualTo(RetryPolicy.DEFAULT);
    }

    @Test
    void snakeCaseWinsWhenBothSpellingsArePresent() {
        JobSpec spec = parse("""
                {"url": "https://a.example/x",
                 "idempotent_key": "snake", "idempotentKey": "camel",
                 "webhook_quorum": 2, "webhookQuorum": 3,
                 "region_policy": "strict", "regionPolicy": "fallback",
                 "execution_mode": "fanout", "executionMode": "race",
                 "retry_at": 1800000000000, "retryAt": 1700000000000,
                 "on_failure_timeout_ms": 10, "onFailureTimeoutMs": 20,
                 "retry_policy": {"max_retries": 1, "maxRetries": 9, "retry_codes": [500], "retryCodes": [429]},
                 "retryPolicy": {"max_retries": 8},
                 "fallback_job": {"url": "https://a.example/snake"},
                 "fallbackJob": {"url": "https://a.example/camel"},
                 "on_success": {"url": "https://a.example/s-snake"},
                 "onSuccess": {"url": "https://a.example/s-camel"},
                 "on_failure": {"url": "https://a.example/f-snake"},
                 "onFailure": {"url": "https://a.example/f-camel"}}
                """);
        assertThat(spec.idempotentKey()).isEqualTo("snake");
        assertThat(spec.webhookQuorum()).isEqualTo(2);
        assertThat(spec.regionPolicy()).isEqualTo(RegionPolicy.STRICT);
        assertThat(spec.executionMode()).isEqualTo(ExecutionMode.FANOUT);
        assertThat(spec.retryAt()).isEqualTo(1_800_000_000_000L);
        assertThat(spec.onFailureTimeoutMs()).isEqualTo(10L);
        assertThat(spec.retryPolicy().maxRetries()).isEqualTo(1);
        assertThat(spec.retryPolicy().retryCodes()).containsExactly(500);
        assertThat(spec.fallbackJob().url()).isEqualTo("https://a.example/snake");
        assertThat(spec.onSuccess().url()).isEqualTo("https://a.example/s-snake");
        assertThat(spec.onFailure().url()).isEqualTo("https://a.example/f-snake");
    }

    @Test
    void methodIsUpperCasedAndDefaultsToGet() {
        assertThat(parse("{\"url\": \"https://a.example/x\", \"method\": \"post\"}").method()).isEqualTo("POST");
        assertThat(parse("{\"url\": \"https://a.example/x\", \"method\": \"Patch\"}").method()).isEqualTo("PATCH");
        assertThat(parse("{\"url\": \"https://a.example/x\", \"method\": \"\"}").method()).isEqualTo("GET");
        assertThat(parse("{\"url\": \"https://a.example/x\", \"method\": null}").method()).isEqualTo("GET");
        assertThat(parse("{\"url\": \"https://a.example/x\"}").method()).isEqualTo("GET");
        assertThat(parse("{\"url\": \"https://a.example/x\", \"method\": \"head\"}").method()).isEqualTo("HEAD");
    }

    @Test
    void invalidMethodIsRejectedNamingMethod() {
        assertThatThrownBy(() -> parse("{\"url\": \"https://a.example/x\", \"method\": \"GE T\"}"))
                .isInstanceOf(InvalidJobException.class)
                .hasMessageStartingWith("method ");
    }

    @Test
    void emptyRegionsAreTreatedAsAbsent() {
        JobSpec withEmpty = parse("{\"url\": \"https://a.example/x\", \"regions\": []}");
        JobSpec without = parse("{\"url\": \"https://a.example/x\"}");
        assertThat(withEmpty.regions()).isEmpty();
        assertThat(withEmpty).isEqualTo(without);
        assertThat(withEmpty.submissionStatus()).isEqualTo("queued");
    }

    @Test
    void legacyWebhookUrlBecomesOneVotingWebhook() {
        JobSpec spec = parse("{\"url\": \"https://a.example/x\", \"webhook_url\": \"https://h.example/hook\"}");
        assertThat(spec.webhooks()).containsExactly(new WebhookTarget("https://h.example/hook", List.of(), true));

        JobSpec camel = parse("{\"url\": \"https://a.example/x\", \"webhookUrl\": \"https://h.example/hook\"}");
        assertThat(camel.webhooks()).containsExactly(new WebhookTarget("https://h.example/hook", List.of(), true));
    }

    @Test
    void legacyWebhookUrlIsNotDuplicatedWhenAlreadyListed() {
        JobSpec spec = parse("""
                {"url": "https://a.example/x", "webhook_url": "https://h.example/hook",
                 "webhooks": [{"url": "https://h.example/hook", "has_quorum_vote": true}]}
                """);
        assertThat(spec.webhooks()).hasSize(1);
        assertThat(spec.webhooks().get(0).url()).isEqualTo("https://h.example/hook");

        JobSpec other = parse("""
                {"url": "https://a.example/x", "webhook_url": "https://h.example/legacy",
                 "webhooks": [{"url": "https://h.example/hook", "has_quorum_vote": false}]}
                """);
        assertThat(other.webhooks()).containsExactly(
                new WebhookTarget("https://h.example/hook", List.of(), false),
                new WebhookTarget("https://h.example/legacy", List.of(), true));
    }

    @Test
    void retryAtInSecondsIsConvertedToMilliseconds() {
        assertThat(parse("{\"url\": \"https://a.example/x\", \"retry_at\": 1700000000}").retryAt())
                .isEqualTo(1_700_000_000_000L);
        assertThat(parse("{\"url\": \"https://a.example/x\", \"retry_at\": 99999999999}").retryAt())
                .isEqualTo(99_999_999_999_000L);
        assertThat(parse("{\"url\": \"https://a.example/x\", \"retry_at\": 100000000000}").retryAt())
                .isEqualTo(100_000_000_000L);
        assertThat(parse("{\"url\": \"https://a.example/x\", \"retry_at\": 1700000000123}").retryAt())
                .isEqualTo(1_700_000_000_123L);
    }

    @Test
    void unknownFieldsAndCustomerIdAreIgnored() {
        JobSpec plain = parse("{\"url\": \"https://a.example/x\"}");
        JobSpec extra = parse("""
                {"url": "https://a.example/x", "customer_id": "someone-else", "customerId": "x",
                 "description": "client-only", "type": "PERFORMANCE", "something_new": {"a": [1, 2]}}
                """);
        assertThat(extra).isEqualTo(plain);
        assertThat(extra.userId()).isNull();
    }

    @Test
    void objectBodyIsSerialisedAsJson() {
        JobSpec spec = parse("{\"url\": \"https://a.example/x\", \"method\": \"POST\", \"body\": {\"a\": 1, \"b\": [true, \"s\"]}}");
        assertThat(spec.body()).isNotNull();
        assertThat(MAPPER.readTree(spec.body())).isEqualTo(tree("{\"a\": 1, \"b\": [true, \"s\"]}"));
        assertThat(parse("{\"url\": \"https://a.example/x\", \"body\": \"raw text\"}").body()).isEqualTo("raw text");
    }

    @Test
    void headersAndMetadataAreKept() {
        JobSpec spec = parse("""
                {"url": "https://a.example/x", "headers": {"Authorization": "Bearer t", "X-A": "1"},
                 "metadata": {"order": 42, "tag": "t"}}
                """);
        assertThat(spec.headers()).isEqualTo(Map.of("Authorization", "Bearer t", "X-A", "1"));
        assertThat(spec.metadata()).isEqualTo(Map.of("order", 42, "tag", "t"));
    }

    @Test
    void metadataHasTheValuesAndTypesJacksonWouldGive() {
        String metadata = """
                {"int": 42, "long": 12345678901234, "big": 123456789012345678901234567890, "float": 1.5,
                 "neg": -7, "yes": true, "no": false, "none": null, "text": "t\\u00e9",
                 "list": [1, "a", null, [2.25, {"k": "v"}]], "nested": {"a": {"b": {"c": []}}, "empty": {}}}
                """;
        JobSpec spec = parse("{\"url\": \"https://a.example/x\", \"metadata\": " + metadata + "}");

        Object expected = MAPPER.convertValue(tree(metadata), java.util.LinkedHashMap.class);
        assertThat(spec.metadata()).isEqualTo(expected);
        assertThat(spec.metadata().get("long")).isInstanceOf(Long.class);
        assertThat(spec.metadata().get("big")).isInstanceOf(java.math.BigInteger.class);
        assertThat(spec.metadata().keySet()).containsExactly("int", "long", "big", "float", "neg", "yes", "no", "none",
                "text", "list", "nested");
    }

    @Test
    void fallbackChainAtTheLimitIsAccepted() {
        JobSpec spec = parse(chain(JobLimits.DEFAULT.maxFallbackDepth()));
        assertThat(spec.fallbackDepth()).isEqualTo(JobLimits.DEFAULT.maxFallbackDepth());
    }

    // errors

    @Test
    void missingUrlIsRejected() {
        assertThatThrownBy(() -> parse("{\"method\": \"GET\"}"))
                .isInstanceOf(InvalidJobException.class)
                .hasMessage("url is required");
        assertThatThrownBy(() -> parse("{\"url\": \"\"}"))
                .isInstanceOf(InvalidJobException.class)
                .hasMessage("url is required");
    }

    @Test
    void relativeUrlIsRejected() {
        assertThatThrownBy(() -> parse("{\"url\": \"/relative/path\"}"))
                .isInstanceOf(InvalidJobException.class)
                .hasMessageStartingWith("url");
    }

    @Test
    void ftpSchemeIsRejected() {
        assertThatThrownBy(() -> parse("{\"url\": \"ftp://files.example/x\"}"))
                .isInstanceOf(InvalidJobException.class)
                .hasMessageStartingWith("url")
                .hasMessageContaining("http");
    }

    @Test
    void nonStringHeaderValueIsRejectedNamingTheHeader() {
        assertThatThrownBy(() -> parse("{\"url\": \"https://a.example/x\", \"headers\": {\"X-Count\": 5}}"))
                .isInstanceOf(InvalidJobException.class)
                .hasMessageStartingWith("headers.X-Count ")
                .satisfies(e -> assertThat(((InvalidJobException) e).field()).isEqualTo("headers.X-Count"));
    }

    @Test
    void nestedMissingUrlNamesTheFieldPath() {
        assertThatThrownBy(() -> parse("{\"url\": \"https://a.example/x\", \"fallback_job\": {\"method\": \"GET\"}}"))
                .isInstanceOf(InvalidJobException.class)
                .hasMessage("fallback_job.url is required");
        assertThatThrownBy(() -> parse("{\"url\": \"https://a.example/x\", \"fallbackJob\": {\"method\": \"GET\"}}"))
                .isInstanceOf(InvalidJobException.class)
                .hasMessage("fallback_job.url is required");
        assertThatThrownBy(() -> parse("""
                {"url": "https://a.example/x", "fallback_job": {"url": "https://a.example/y", "onSuccess": {}}}
                """))
                .isInstanceOf(InvalidJobException.class)
                .hasMessage("fallback_job.on_success.url is required");
    }

    @Test
    void unknownExecutionModeIsRejectedNamingTheField() {
        assertThatThrownBy(() -> parse("{\"url\": \"https://a.example/x\", \"execution_mode\": \"parallel\"}"))
                .isInstanceOf(InvalidJobException.class)
                .hasMessageStartingWith("execution_mode ");
        assertThatThrownBy(() -> parse("{\"url\": \"https://a.example/x\", \"fallback_job\": {\"url\": \"https://a.example/y\", \"executionMode\": \"parallel\"}}"))
                .isInstanceOf(InvalidJobException.class)
                .hasMessageStartingWith("fallback_job.execution_mode ");
    }

    @Test
    void unknownRegionPolicyIsRejectedNamingTheField() {
        assertThatThrownBy(() -> parse("{\"url\": \"https://a.example/x\", \"region_policy\": \"loose\"}"))
                .isInstanceOf(InvalidJobException.class)
                .hasMessageStartingWith("region_policy ");
    }

    @Test
    void fallbackChainDeeperThanTheLimitIsRejected() {
        int tooDeep = JobLimits.DEFAULT.maxFallbackDepth() + 1;
        assertThatThrownBy(() -> parse(chain(tooDeep)))
                .isInstanceOf(InvalidJobException.class)
                .hasMessageContaining("fallback_job");
    }

    @Test
    void numericBodyIsRejected() {
        assertThatThrownBy(() -> parse("{\"url\": \"https://a.example/x\", \"body\": 42}"))
                .isInstanceOf(InvalidJobException.class)
                .hasMessageStartingWith("body ");
    }

    @Test
    void nonObjectRootIsRejected() {
        assertThatThrownBy(() -> parser.parse(tree("[1, 2]")))
                .isInstanceOf(InvalidJobException.class)
                .hasMessageStartingWith("body ");
    }

    /** A job with a fallback chain of the given length below the root. */
    private static String chain(int fallbacks) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i <= fallbacks; i++) {
            if (i > 0) {
                sb.append(", \"fallback_job\": ");
            }
            sb.append("{\"url\": \"https://a.example/").append(i).append('"');
        }
        sb.append("}".repeat(fallbacks + 1));
        return sb.toString();
    }
}
