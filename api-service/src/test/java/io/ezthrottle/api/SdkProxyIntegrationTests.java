package io.ezthrottle.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.ezthrottle.core.job.JobSpec;
import io.ezthrottle.core.job.Trigger;
import io.ezthrottle.core.job.redis.RedisJobStore;
import io.ezthrottle.core.tenant.Tier;
import io.ezthrottle.testsupport.HttpStub;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /api/v1/proxy} replaying the exact envelopes the Node, Python and Go SDKs send (compat-protocol §1.2,
 * §2.3) and checking, field by field, what each SDK reads from the reply.
 */
class SdkProxyIntegrationTests extends ApiIntegrationSupport {

    private static final String PROXY = "/api/v1/proxy";
    /** Node and Python default backend; Go hard-codes it. */
    private static final String BACKEND = "https://ezthrottle.fly.dev";
    private static final String APP = "https://sdk-test-app.example.com";
    private static final Map<String, String> JSON_HEADERS = Map.of("Content-Type", "application/json");

    @Autowired
    RedisJobStore jobs;

    @Test
    void nodeFallbackChainIsSubmittedAndTheReplyReadsAsNodeReadsIt() {
        TestTenant tenant = newTenant();
        String key = "fallback_chain_" + unique();
        // Node: first level renamed to snake_case, nested objects in camelCase (fallbackJob)
        String job = """
                {"url":"https://httpbin.org/status/500?test=fallback_primary","method":"GET",\
                "webhooks":[{"url":"%s/webhook","has_quorum_vote":true}],\
                "fallback_job":{"url":"https://httpbin.org/delay/2?test=fallback_1","method":"GET",\
                "trigger":{"type":"on_error","codes":[500,502,503]},\
                "fallbackJob":{"url":"https://httpbin.org/status/200?test=fallback_2","method":"GET",\
                "trigger":{"type":"on_timeout","timeout_ms":500}}},\
                "idempotent_key":"%s"}""".formatted(APP, key);

        Reply reply = envelope(tenant.apiKey(), BACKEND + "/api/v1/jobs", "POST", JSON_HEADERS, job);

        JsonNode forwarded = allowed(reply);
        int status = forwarded.get("status_code").asInt();
        assertThat(status).isBetween(200, 299);
        JsonNode body = innerBody(forwarded);
        assertThat(body.get("job_id").isString()).isTrue();
        assertThat(body.get("idempotent_key").asString()).isEqualTo(key);
        assertThat(body.get("status").asString()).isEqualTo("queued");

        JobSpec stored = jobs.find(body.get("job_id").asString()).block().spec();
        assertThat(stored.fallbackJob().trigger().type()).isEqualTo(Trigger.Type.ON_ERROR);
        assertThat(stored.fallbackJob().fallbackJob().url()).endsWith("test=fallback_2");
        assertThat(stored.fallbackJob().fallbackJob().trigger().timeoutMs()).isEqualTo(500L);
    }

    @Test
    void pythonRacingSubmissionReportsRacing() {
        TestTenant tenant = newTenant();
        String job = """
                {"url": "https://httpbin.org/delay/1?test=performance_racing", "method": "GET",
                 "webhooks": [{"url": "%s/webhook", "has_quorum_vote": true}],
                 "regions": ["iad", "lax", "ord"], "idempotent_key": "performance_racing_%s"}""".formatted(APP, unique());

        Reply reply = envelope(tenant.apiKey(), BACKEND + "/api/v1/jobs", "POST", JSON_HEADERS, job);

        JsonNode forwarded = allowed(reply);
        // Python compares the status numerically and json.loads the body
        assertThat(forwarded.get("status_code").isIntegralNumber()).isTrue();
        assertThat(forwarded.get("status_code").asInt()).isEqualTo(201);
        assertThat(innerBody(forwarded).get("status").asString()).isEqualTo("racing");
    }

    @Test
    void goShapesAreAcceptedAndTheReplyDecodesIntoGosStructs() {
        TestTenant tenant = newTenant();
        String key = "fallback_chain_" + unique();
        // Go: always headers {}, metadata {}, webhook_quorum 1, region_policy, execution_mode; hasQuorumVote;
        // camelCase retry-policy members; method as typed
        String job = """
                {"url":"https://httpbin.org/status/500?test=fallback_primary","method":"get","headers":{},"metadata":{},\
                "webhooks":[{"url":"%s/webhook","hasQuorumVote":true}],"webhook_quorum":1,\
                "region_policy":"fallback","execution_mode":"race",\
                "retry_policy":{"maxRetries":2,"retryCodes":[429,503]},\
                "fallback_job":{"url":"https://httpbin.org/delay/2?test=fallback_1","method":"GET","webhook_quorum":1,\
                "region_policy":"fallback","execution_mode":"race","trigger":{"codes":[500,502,503],"type":"on_error"},\
                "fallback_job":{"url":"https://httpbin.org/status/200?test=fallback_2","method":"GET","webhook_quorum":1,\
                "region_policy":"fallback","execution_mode":"race","trigger":{"timeout_ms":500,"type":"on_timeout"}}},\
                "idempotent_key":"%s"}""".formatted(APP, key);

        Reply reply = envelope(tenant.apiKey(), "https://ezthrottle.fly.dev/api/v1/jobs", "POST", JSON_HEADERS, job);

        JsonNode forwarded = allowed(reply);
        // Go accepts only 200 or 201 for a submission
        assertThat(forwarded.get("status_code").asInt()).isIn(200, 201);
        // Go decodes forwarded_response.headers as map[string]string
        assertThat(forwarded.get("headers").isObject()).isTrue();
        forwarded.get("headers").properties().forEach(h -> assertThat(h.getValue().isString()).as(h.getKey()).isTrue());
        JsonNode body = innerBody(forwarded);
        assertThat(body.get("job_id").isString()).isTrue();
        assertThat(body.get("idempotent_key").asString()).isEqualTo(key);
        assertThat(body.get("status").asString()).isEqualTo("queued");
        assertThat(body.get("queued_at").isIntegralNumber()).isTrue();
        // members Go maps onto other types must not appear
        assertThat(body.has("executed_locally") || body.has("status_code") || body.has("response_body")).isFalse();

        JobSpec stored = jobs.find(body.get("job_id").asString()).block().spec();
        assertThat(stored.method()).isEqualTo("GET");
        assertThat(stored.retryPolicy().maxRetries()).isEqualTo(2);
        assertThat(stored.webhooks().get(0).hasQuorumVote()).isTrue();
        assertThat(stored.fallbackJob().fallbackJob().trigger().type()).isEqualTo(Trigger.Type.ON_TIMEOUT);
    }

    @Test
    void keylessRepeatsThroughTheProxyShareOneJob() {
        // the SDK test "idempotent-hash": the same GET twice without a key
        TestTenant tenant = newTenant();
        String job = """
                {"url": "https://httpbin.org/get?test=idempotent_hash&run=%s", "method": "GET",
                 "webhooks": [{"url": "%s/webhook", "has_quorum_vote": true}]}""".formatted(unique(), APP);

        JsonNode first = allowed(envelope(tenant.apiKey(), BACKEND + "/api/v1/jobs", "POST", JSON_HEADERS, job));
        JsonNode second = allowed(envelope(tenant.apiKey(), BACKEND + "/api/v1/jobs", "POST", JSON_HEADERS, job));

        assertThat(first.get("status_code").asInt()).isEqualTo(201);
        assertThat(second.get("status_code").asInt()).isEqualTo(200);
        assertThat(innerBody(second).get("job_id").asString()).isEqualTo(innerBody(first).get("job_id").asString());
        assertThat(innerBody(second).get("duplicate").asBoolean()).isTrue();
        assertThat(innerBody(first).get("idempotent_key").asString()).matches("h_[0-9a-f]{64}");
    }

    @Test
    void secretsCallsOfEverySdk() {
        TestTenant tenant = newTenant();
        String secrets = BACKEND + "/api/v1/webhook-secrets";

        // before any secret: GET is 404 inside the envelope with a JSON body Python can json.loads
        JsonNode none = allowed(envelope(tenant.apiKey(), secrets, "GET", Map.of(), ""));
        assertThat(none.get("status_code").asInt()).isEqualTo(404);
        assertThat(innerBody(none)).isEqualTo(JSON.readTree("{\"error\":\"No webhook secrets configured\"}"));

        JsonNode created = allowed(envelope(tenant.apiKey(), secrets, "POST", JSON_HEADERS,
                "{\"primary_secret\":\"primary-secret-0123456789\",\"secondary_secret\":\"secondary-secret-abcdefgh\"}"));
        assertThat(created.get("status_code").asInt()).isEqualTo(200);
        assertThat(innerBody(created).get("status").asString()).isEqualTo("ok");

        JsonNode read = allowed(envelope(tenant.apiKey(), secrets, "GET", Map.of(), ""));
        assertThat(read.get("status_code").asInt()).isEqualTo(200);
        JsonNode shown = innerBody(read);
        assertThat(shown.get("customer_id").asString()).isEqualTo(tenant.id());
        // every SDK's rotate helper looks for ****
        assertThat(shown.get("primary_secret").asString()).isEqualTo("prim****6789").contains("****");
        assertThat(shown.get("secondary_secret").asString()).contains("****");
        assertThat(shown.get("has_secondary").isBoolean()).isTrue();
        assertThat(shown.get("has_secondary").asBoolean()).isTrue();
        assertThat(read.toString()).doesNotContain("primary-secret-0123456789");

        // Go errors on a non-2xx DELETE, so deleting twice must be 200 both times
        for (int i = 0; i < 2; i++) {
            JsonNode deleted = allowed(envelope(tenant.apiKey(), secrets, "DELETE", Map.of(), ""));
            assertThat(deleted.get("status_code").asInt()).isEqualTo(200);
            assertThat(innerBody(deleted).get("status").asString()).isEqualTo("ok");
        }
        // a short secret is re-checked by the server and reported inside the envelope
        JsonNode tooShort = allowed(envelope(tenant.apiKey(), secrets, "POST", JSON_HEADERS,
                "{\"primary_secret\":\"short\"}"));
        assertThat(tooShort.get("status_code").asInt()).isEqualTo(400);
        assertThat(innerBody(tooShort).get("error").asString()).contains("primary_secret");
    }

    @Test
    void atTheCapEverySdkGetsA429ItCanParse() {
        TestTenant tenant = newTenant(Tier.FREE);
        presetUsage(tenant.id(), 1_000_000);
        String job = "{\"url\":\"https://httpbin.org/status/200\",\"method\":\"GET\",\"idempotent_key\":\"cap_" + unique() + "\"}";
        long intake = intakeSize();

        long before = System.currentTimeMillis();
        Reply reply = envelope(tenant.apiKey(), BACKEND + "/api/v1/jobs", "POST", JSON_HEADERS, job);
        long after = System.currentTimeMillis();

        assertThat(reply.status()).as(reply.toString()).isEqualTo(429);
        // Node and Python run a JSON parser on the body; Go decodes {error string, retry_at int64}
        assertThat(reply.isJson()).isTrue();
        assertThat(reply.json().get("error").isString()).isTrue();
        JsonNode retryAt = reply.json().get("retry_at");
        assertThat(retryAt.isIntegralNumber()).isTrue();
        assertThat(retryAt.canConvertToLong()).isTrue();
        // Python int() and Go %d: an integer number of seconds, never a date or a fraction
        String header = reply.headers().getFirst(HttpHeaders.RETRY_AFTER);
        assertThat(header).matches("\\d+");
        // Node uses retry_at; Python and Go compute now + Retry-After: both land on the same instant
        long viaHeaderEarliest = before + Long.parseLong(header) * 1000;
        long viaHeaderLatest = after + Long.parseLong(header) * 1000;
        assertThat(retryAt.asLong()).isBetween(viaHeaderEarliest - 1000, viaHeaderLatest);
        assertThat(intakeSize()).isEqualTo(intake);
    }

    @Test
    void innerBodyMayBeAnObjectAndTheInnerCallMayBeAStatusOrUsageRead() {
        TestTenant tenant = newTenant();
        ObjectNode envelope = JSON.createObjectNode();
        envelope.put("scope", "customer");
        envelope.put("metric_name", "");
        envelope.put("target_url", BACKEND + "/api/v1/jobs");
        envelope.put("method", "POST");
        envelope.putObject("headers").put("Content-Type", "application/json");
        envelope.putObject("body").put("url", "https://api.example.com/object-body/" + unique());

        JsonNode submitted = allowed(post(PROXY, tenant.apiKey(), envelope.toString()));
        String jobId = innerBody(submitted).get("job_id").asString();
        JsonNode status = allowed(envelope(tenant.apiKey(), BACKEND + "/api/v1/jobs/" + jobId, "GET", Map.of(), ""));
        JsonNode usage = allowed(envelope(tenant.apiKey(), BACKEND + "/api/v1/usage/", "GET", Map.of(), ""));

        assertThat(submitted.get("status_code").asInt()).isEqualTo(201);
        assertThat(status.get("status_code").asInt()).isEqualTo(200);
        assertThat(innerBody(status).get("status").asString()).isEqualTo("queued");
        assertThat(innerBody(usage).get("used").asLong()).isEqualTo(1);
    }

    @Test
    void theProxyNeverCallsTargetUrl() {
        try (HttpStub elsewhere = new HttpStub()) {
            TestTenant tenant = newTenant();

            JsonNode forwarded = allowed(envelope(tenant.apiKey(), elsewhere.url("/api/v1/jobs"), "POST", JSON_HEADERS,
                    "{\"url\": \"https://api.example.com/relay/" + unique() + "\"}"));

            assertThat(forwarded.get("status_code").asInt()).isEqualTo(201);
            assertThat(elsewhere.count()).isZero();
        }
    }

    @Test
    void unsupportedTargetsAreRefusedWith400() {
        TestTenant tenant = newTenant();
        for (String target : List.of(BACKEND + "/api/v1/other", BACKEND + "/admin/api/tenants", BACKEND + "/",
                "https://ezthrottle.fly.dev/api/v1/jobs/x/y", "https://169.254.169.254/latest/meta-data",
                BACKEND + "/api/v1/proxy", BACKEND + "/api/v1/jobs/../../admin/api/tiers")) {
            Reply reply = envelope(tenant.apiKey(), target, "POST", JSON_HEADERS, "{}");

            assertThat(reply.status()).as("%s -> %s", target, reply).isEqualTo(400);
            assertThat(reply.json()).isEqualTo(JSON.readTree("{\"error\":\"target_url not supported\"}"));
        }
    }

    @Test
    void innerRefusalsTravelInsideTheEnvelope() {
        TestTenant tenant = newTenant();

        JsonNode invalid = allowed(envelope(tenant.apiKey(), BACKEND + "/api/v1/jobs", "POST", JSON_HEADERS,
                "{\"method\": \"GET\"}"));
        JsonNode wrongMethod = allowed(envelope(tenant.apiKey(), BACKEND + "/api/v1/jobs", "PUT", JSON_HEADERS, "{}"));
        JsonNode notJson = allowed(envelope(tenant.apiKey(), BACKEND + "/api/v1/jobs", "POST", JSON_HEADERS, "not json"));
        JsonNode otherTenantsJob = allowed(envelope(tenant.apiKey(), BACKEND + "/api/v1/jobs/job_1_2", "GET", Map.of(), ""));

        assertThat(invalid.get("status_code").asInt()).isEqualTo(400);
        assertThat(innerBody(invalid).get("error").asString()).contains("url is required");
        assertThat(wrongMethod.get("status_code").asInt()).isEqualTo(405);
        assertThat(notJson.get("status_code").asInt()).isEqualTo(400);
        assertThat(innerBody(notJson).get("field").asString()).isEqualTo("body");
        assertThat(otherTenantsJob.get("status_code").asInt()).isEqualTo(404);
    }

    @Test
    void badEnvelopesAre400NamingTheFieldAndABadKeyIs401() {
        TestTenant tenant = newTenant();
        Map<String, String> cases = new LinkedHashMap<>();
        cases.put("{\"method\": \"POST\", \"body\": \"{}\"}", "target_url");
        cases.put("{\"target_url\": 5}", "target_url");
        cases.put("{\"target_url\": \"http://[bad\"}", "target_url");
        cases.put("{\"target_url\": \"/api/v1/jobs\", \"method\": 7}", "method");
        cases.put("{\"target_url\": \"/api/v1/jobs\", \"method\": \"P O S T\"}", "method");
        cases.put("{\"target_url\": \"/api/v1/jobs\", \"headers\": \"x\"}", "headers");
        cases.put("{\"target_url\": \"/api/v1/jobs\", \"headers\": {\"X-A\": 1}}", "headers.X-A");
        cases.put("{\"target_url\": \"/api/v1/jobs\", \"body\": 12}", "body");
        cases.put("[]", "body");
        cases.forEach((envelope, field) -> {
            Reply reply = post(PROXY, tenant.apiKey(), envelope);
            assertThat(reply.status()).as("%s -> %s", envelope, reply).isEqualTo(400);
            assertThat(reply.text("field")).as(envelope).isEqualTo(field);
        });

        Reply noKey = envelope(null, BACKEND + "/api/v1/jobs", "POST", JSON_HEADERS, "{\"url\":\"https://a.example\"}");
        assertThat(noKey.status()).isEqualTo(401);
        assertThat(noKey.isJson()).isTrue();
    }

    /** An envelope exactly as the SDKs build it: the inner body is JSON text in a string. */
    private Reply envelope(String apiKey, String targetUrl, String method, Map<String, String> headers, String body) {
        ObjectNode envelope = JSON.createObjectNode();
        envelope.put("scope", "customer");
        envelope.put("metric_name", "");
        envelope.put("target_url", targetUrl);
        envelope.put("method", method);
        ObjectNode h = envelope.putObject("headers");
        headers.forEach(h::put);
        envelope.put("body", body);
        return post(PROXY, apiKey, envelope.toString());
    }

    /** What every SDK checks first: HTTP 200, {@code status == "allowed"}, a forwarded_response with an int status. */
    private static JsonNode allowed(Reply reply) {
        assertThat(reply.status()).as(reply.toString()).isEqualTo(200);
        assertThat(reply.isJson()).isTrue();
        assertThat(reply.text("status")).isEqualTo("allowed");
        JsonNode forwarded = reply.json().get("forwarded_response");
        assertThat(forwarded).as(reply.toString()).isNotNull();
        assertThat(forwarded.get("status_code").isIntegralNumber()).isTrue();
        assertThat(forwarded.get("body").isString()).isTrue();
        assertThat(forwarded.get("body").asString()).isNotEmpty();
        return forwarded;
    }

    /** The inner body as the SDKs parse it ({@code JSON.parse}, {@code json.loads}, {@code json.Unmarshal}). */
    private static JsonNode innerBody(JsonNode forwarded) {
        return JSON.readTree(forwarded.get("body").asString());
    }
}
