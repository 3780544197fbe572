package io.ezthrottle.api;

import static org.springframework.boot.test.context.SpringBootTest.WebEnvironment.RANDOM_PORT;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;

import io.ezthrottle.core.redis.JobStreams;
import io.ezthrottle.core.redis.RedisKeys;
import io.ezthrottle.core.redis.StreamGroups;
import io.ezthrottle.core.tenant.ApiKeys;
import io.ezthrottle.core.tenant.TenantStore;
import io.ezthrottle.core.tenant.Tier;
import io.ezthrottle.core.usage.UsageMeter;
import io.ezthrottle.testsupport.RedisTestServer;
import org.junit.jupiter.api.BeforeEach;
import org.redisson.api.RedissonClient;
import org.redisson.api.stream.StreamMessageId;
import org.redisson.client.codec.StringCodec;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The running api-service (random port, real embedded Redis) as the SDKs see it: raw HTTP, JSON parsed by the test,
 * never by the application's own types. Every subclass shares one Spring context (same configuration).
 */
@SpringBootTest(classes = ApiApplication.class, webEnvironment = RANDOM_PORT, properties = {
        "ezthrottle.bootstrap-api-key=" + ApiIntegrationSupport.BOOTSTRAP_KEY,
        // the egress guard with its default settings, whatever the environment says
        "ezthrottle.egress.allow=",
        "ezthrottle.admin.user=" + ApiIntegrationSupport.ADMIN_USER,
        "ezthrottle.admin.password=" + ApiIntegrationSupport.ADMIN_PASSWORD
})
abstract class ApiIntegrationSupport {

    static final String BOOTSTRAP_KEY = "ezt_it_api_bootstrap_5b1f0c9d2e7a4836";
    /** The tenant {@code BootstrapTenant} creates for {@link #BOOTSTRAP_KEY} (id derived from the key's hash). */
    static final String BOOTSTRAP_TENANT = "cust_" + ApiKeys.hash(BOOTSTRAP_KEY).substring(0, 16);
    static final JsonMapper JSON = JsonMapper.builder().build();
    static final String ADMIN_USER = "ops";
    static final String ADMIN_PASSWORD = "it-admin-password-6c0f1e";

    @DynamicPropertySource
    static void redis(DynamicPropertyRegistry registry) {
        registry.add("ezthrottle.redis.url", () -> RedisTestServer.shared().url());
    }

    @LocalServerPort
    int port;

    @Autowired
    TenantStore tenants;

    @Autowired
    JobStreams streams;

    @Autowired
    RedissonClient redisson;

    @Autowired
    RedisKeys keys;

    @Autowired
    UsageMeter usageMeter;

    WebTestClient client;

    @BeforeEach
    void buildClient() {
        client = WebTestClient.bindToServer()
                .baseUrl("http://localhost:" + port)
                .responseTimeout(Duration.ofSeconds(30))
                .build();
    }

    /** A response: status, headers, raw text and (when the body is JSON) the parsed tree, else null. */
    record Reply(int status, HttpHeaders headers, String raw, JsonNode json) {

        String text(String field) {
            JsonNode v = json == null ? null : json.get(field);
            return v == null || v.isNull() ? null : v.asString();
        }

        boolean isJson() {
            MediaType type = headers.getContentType();
            return type != null && type.isCompatibleWith(MediaType.APPLICATION_JSON) && json != null;
        }

        @Override
        public String toString() {
            return status + " " + raw;
        }
    }

    /** A tenant made for one test, with its own API key. */
    record TestTenant(String id, String apiKey) {
    }

    Reply post(String path, String apiKey, String jsonBody) {
        return send(HttpMethod.POST, path, apiKey, jsonBody);
    }

    Reply get(String path, String apiKey) {
        return send(HttpMethod.GET, path, apiKey, null);
    }

    Reply delete(String path, String apiKey) {
        return send(HttpMethod.DELETE, path, apiKey, null);
    }

    Reply send(HttpMethod method, String path, String apiKey, String jsonBody) {
        return send(method, path, apiKey, jsonBody, Map.of());
    }

    Reply send(HttpMethod method, String path, String apiKey, String jsonBody, Map<String, String> headers) {
        WebTestClient.RequestBodySpec spec = client.method(method).uri(path);
        if (apiKey != null) {
            spec.header(HttpHeaders.AUTHORIZATION, "Bearer " + apiKey);
        }
        headers.forEach(spec::header);
        WebTestClient.RequestHeadersSpec<?> ready = jsonBody == null ? spec
                : spec.contentType(MediaType.APPLICATION_JSON).bodyValue(jsonBody);
        return reply(ready.exchange().expectBody(String.class).returnResult());
    }

    /** A request to the admin API with the configured admin credentials. */
    Reply admin(HttpMethod method, String path, String jsonBody) {
        WebTestClient.RequestBodySpec spec = client.method(method).uri(path)
                .headers(h -> h.setBasicAuth(ADMIN_USER, ADMIN_PASSWORD));
        WebTestClient.RequestHeadersSpec<?> ready = jsonBody == null ? spec
                : spec.contentType(MediaType.APPLICATION_JSON).bodyValue(jsonBody);
        return reply(ready.exchange().expectBody(String.class).returnResult());
    }

    /** Reactive client for concurrent requests (no thread per request), against this or another replica. */
    static WebClient reactiveClient(int port) {
        return WebClient.builder().baseUrl("http://localhost:" + port).build();
    }

    /** One POST through a reactive client, as a {@link Reply}. */
    static Mono<Reply> postAsync(WebClient web, String path, String apiKey, String jsonBody) {
        return web.post().uri(path)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + apiKey)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(jsonBody)
                .exchangeToMono(r -> r.bodyToMono(String.class).defaultIfEmpty("")
                        .map(raw -> new Reply(r.statusCode().value(), r.headers().asHttpHeaders(), raw, parse(raw))));
    }

    /** {@code n} requests all in flight at once; the replies in completion order. */
    static List<Reply> concurrently(int n, Function<Integer, Mono<Reply>> request) {
        return Flux.range(0, n).flatMap(request, n).collectList().block(Duration.ofSeconds(60));
    }

    static JsonNode parse(String raw) {
        if (raw == null || raw.isBlank()) {
            return null;
        }
        try {
            return JSON.readTree(raw);
        } catch (JacksonException e) {
            return null;
        }
    }

    static Reply reply(EntityExchangeResult<String> result) {
        String raw = result.getResponseBody();
        JsonNode json = null;
        if (raw != null && !raw.isBlank()) {
            try {
                json = JSON.readTree(raw);
            } catch (JacksonException e) {
                json = null;
            }
        }
        return new Reply(result.getStatus().value(), result.getResponseHeaders(), raw, json);
    }

    /** A fresh tenant with a fresh key, created the way an operator would (through the store). */
    TestTenant newTenant() {
        String id = "cust_it_" + UUID.randomUUID().toString().replace("-", "");
        String apiKey = "ezt_it_" + UUID.randomUUID().toString().replace("-", "");
        tenants.upsert(id, "integration test", Tier.FREE).block(Duration.ofSeconds(10));
        tenants.addKey(id, apiKey).block(Duration.ofSeconds(10));
        return new TestTenant(id, apiKey);
    }

    static String unique() {
        return UUID.randomUUID().toString();
    }

    /** Sets a tenant's counter for the current month, as if that many jobs had been accepted already. */
    void presetUsage(String tenantId, long used) {
        redisson.getBucket(usageMeter.counterKey(tenantId, usageMeter.currentPeriod()), StringCodec.INSTANCE)
                .set(Long.toString(used));
    }

    /** A fresh tenant of the given tier. */
    TestTenant newTenant(Tier tier) {
        TestTenant t = newTenant();
        tenants.upsert(t.id(), "integration test", tier).block(Duration.ofSeconds(10));
        return t;
    }

    /** Entries currently on the intake stream (what workers will consume). */
    long intakeSize() {
        Long size = streams.intake().size().block(Duration.ofSeconds(10));
        return size == null ? 0 : size;
    }

    /** How many intake entries name this job. */
    long intakeEntriesFor(String jobId) {
        var entries = redisson.<String, String>getStream(keys.jobStream(), StringCodec.INSTANCE)
                .range(StreamMessageId.MIN, StreamMessageId.MAX);
        return entries.values().stream().filter(e -> jobId.equals(e.get(StreamGroups.JOB_ID))).count();
    }
}
