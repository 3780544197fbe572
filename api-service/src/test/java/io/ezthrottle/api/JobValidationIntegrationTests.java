package io.ezthrottle.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Supplier;

import io.ezthrottle.testsupport.HttpStub;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.BodyInserters;
import reactor.core.publisher.Flux;

/**
 * Requests the API must refuse (compat-protocol §1.3): each gets the documented status and a JSON error naming the
 * problem, none of them queues a job, and the service stays healthy afterwards.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JobValidationIntegrationTests extends ApiIntegrationSupport {

    private static final String JOBS = "/api/v1/jobs";
    private static final int LIMIT = 1_048_576;
    private static final String TOO_LARGE = "{\"error\":\"request body too large\",\"limit_bytes\":1048576}";

    private long intakeAtStart;

    @BeforeAll
    void rememberIntake() {
        intakeAtStart = intakeSize();
    }

    @Test
    @Order(1)
    void missingAuthorizationIs401Json() {
        Reply reply = refused(() -> post(JOBS, null, """
                {"url": "https://api.example.com/noauth/%s"}""".formatted(unique())));

        assertThat(reply.status()).as(reply.toString()).isEqualTo(401);
        assertThat(reply.isJson()).as(reply.toString()).isTrue();
        assertThat(reply.text("error")).isNotBlank();
    }

    @Test
    @Order(2)
    void unknownOrMalformedApiKeyIs401Json() {
        Reply unknown = refused(() -> post(JOBS, "ezt_live_not_a_key_" + unique(), """
                {"url": "https://api.example.com/badkey/%s"}""".formatted(unique())));
        Reply notBearer = refused(() -> reply(client.post().uri(JOBS)
                .header(HttpHeaders.AUTHORIZATION, "Basic " + BOOTSTRAP_KEY)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue("{\"url\": \"https://api.example.com/basic/" + unique() + "\"}")
                .exchange().expectBody(String.class).returnResult()));

        for (Reply reply : new Reply[] {unknown, notBearer}) {
            assertThat(reply.status()).as(reply.toString()).isEqualTo(401);
            assertThat(reply.isJson()).as(reply.toString()).isTrue();
            assertThat(reply.text("error")).isNotBlank();
        }
    }

    @Test
    @Order(3)
    void missingUrlIs400NamingUrl() {
        Reply reply = refused(() -> post(JOBS, BOOTSTRAP_KEY, """
                {"method": "GET", "idempotent_key": "no-url-%s"}""".formatted(unique())));

        assertBadRequest(reply, "url");
        assertThat(reply.text("error")).contains("url is required");
    }

    @Test
    @Order(4)
    void relativeUrlIs400NamingUrl() {
        Reply reply = refused(() -> post(JOBS, BOOTSTRAP_KEY, """
                {"url": "/relative/%s"}""".formatted(unique())));

        assertBadRequest(reply, "url");
        assertThat(reply.text("error")).startsWith("url ");
    }

    @Test
    @Order(5)
    void nonStringHeaderValueIs400NamingTheHeader() {
        Reply reply = refused(() -> post(JOBS, BOOTSTRAP_KEY, """
                {"url": "https://api.example.com/headers/%s", "headers": {"X-A": 5}}""".formatted(unique())));

        assertBadRequest(reply, "headers.X-A");
        assertThat(reply.text("error")).contains("headers.X-A");
    }

    @Test
    @Order(6)
    void nonJsonBodyIs400NamingBody() {
        Reply notJson = refused(() -> post(JOBS, BOOTSTRAP_KEY, "url=https://api.example.com/form"));
        Reply notAnObject = refused(() -> post(JOBS, BOOTSTRAP_KEY, "[\"https://api.example.com/array\"]"));
        Reply empty = refused(() -> reply(client.post().uri(JOBS)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + BOOTSTRAP_KEY)
                .contentType(MediaType.APPLICATION_JSON)
                .exchange().expectBody(String.class).returnResult()));

        for (Reply reply : new Reply[] {notJson, notAnObject, empty}) {
            assertBadRequest(reply, "body");
            assertThat(reply.text("error")).contains("body");
        }
    }

    @Test
    @Order(7)
    void bodyOverTheLimitWithContentLengthIs413() {
        byte[] body = oversizedJob();
        try (HttpStub probe = new HttpStub()) {
            // what this client puts on the wire for such a body: a declared length, not chunks
            WebTestClient.bindToServer().baseUrl(probe.url()).build()
                    .post().uri("/probe").contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                    .exchange().expectStatus().isOk();
            HttpStub.Request seen = probe.requests().get(0);
            assertThat(seen.header("content-length")).isEqualTo(Integer.toString(body.length));
            assertThat(seen.header("transfer-encoding")).isNull();
        }

        Reply reply = refused(() -> reply(client.post().uri(JOBS)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + BOOTSTRAP_KEY)
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(body)
                .exchange().expectBody(String.class).returnResult()));

        assertTooLarge(reply);
    }

    @Test
    @Order(8)
    void bodyOverTheLimitStreamedInChunksIs413() {
        byte[] body = oversizedJob();
        try (HttpStub probe = new HttpStub()) {
            // the same body as a Flux goes out with Transfer-Encoding: chunked and no length to check up front
            WebTestClient.bindToServer().baseUrl(probe.url()).build()
                    .post().uri("/probe").contentType(MediaType.APPLICATION_JSON)
                    .body(BodyInserters.fromDataBuffers(chunks(body)))
                    .exchange().expectStatus().isOk();
            HttpStub.Request seen = probe.requests().get(0);
            assertThat(seen.header("transfer-encoding")).isEqualToIgnoringCase("chunked");
            assertThat(seen.header("content-length")).isNull();
            assertThat(seen.body()).hasSize(body.length);
        }

        Reply reply = refused(() -> reply(client.post().uri(JOBS)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + BOOTSTRAP_KEY)
                .contentType(MediaType.APPLICATION_JSON)
                .body(BodyInserters.fromDataBuffers(chunks(body)))
                .exchange().expectBody(String.class).returnResult()));

        assertTooLarge(reply);
    }

    @Test
    @Order(9)
    void bodyOfExactlyTheLimitIsNotRefusedForSize() {
        // the limit is exact: a body of precisely the limit is read and judged on its content
        String head = "{\"url\": \"/relative\", \"pad\": \"";
        String json = head + "x".repeat(LIMIT - head.length() - 2) + "\"}";
        assertThat(json.getBytes(StandardCharsets.UTF_8).length).isEqualTo(LIMIT);

        Reply reply = refused(() -> post(JOBS, BOOTSTRAP_KEY, json));

        assertBadRequest(reply, "url");
    }

    @Test
    @Order(10)
    void loopbackTargetIsRefusedByTheEgressGuard() {
        Reply reply = refused(() -> post(JOBS, BOOTSTRAP_KEY, """
                {"url": "http://127.0.0.1/x", "idempotent_key": "loopback-%s"}""".formatted(unique())));

        assertBadRequest(reply, "url");
        assertThat(reply.text("error")).startsWith("url ").contains("refused").contains("loopback");
    }

    @Test
    @Order(11)
    void loopbackWebhookAndLocalhostAreRefusedToo() {
        Reply webhook = refused(() -> post(JOBS, BOOTSTRAP_KEY, """
                {"url": "https://api.example.com/wh/%s", "webhooks": [{"url": "http://127.0.0.1:9/hook"}]}"""
                .formatted(unique())));
        Reply localhost = refused(() -> post(JOBS, BOOTSTRAP_KEY, """
                {"url": "http://localhost:8080/admin"}"""));

        assertBadRequest(webhook, "webhooks[0].url");
        assertThat(webhook.text("error")).contains("refused");
        assertBadRequest(localhost, "url");
        assertThat(localhost.text("error")).contains("refused").contains("loopback");
    }

    @Test
    @Order(Integer.MAX_VALUE)
    void serviceIsStillHealthyAndNothingWasQueued() {
        Reply health = get("/actuator/health", null);

        assertThat(health.status()).as(health.toString()).isEqualTo(200);
        assertThat(health.text("status")).isEqualTo("UP");
        assertThat(intakeSize()).as("intake stream size after all invalid requests").isEqualTo(intakeAtStart);
        // and the API still accepts work afterwards
        Reply ok = post(JOBS, BOOTSTRAP_KEY, """
                {"url": "https://api.example.com/after-invalid/%s"}""".formatted(unique()));
        assertThat(ok.status()).as(ok.toString()).isEqualTo(201);
    }

    /** Runs one refused request and checks it put nothing on the intake stream. */
    private Reply refused(Supplier<Reply> request) {
        long before = intakeSize();
        Reply reply = request.get();
        assertThat(intakeSize()).as("intake stream size after %s", reply).isEqualTo(before);
        return reply;
    }

    private static void assertBadRequest(Reply reply, String field) {
        assertThat(reply.status()).as(reply.toString()).isEqualTo(400);
        assertThat(reply.isJson()).as(reply.toString()).isTrue();
        assertThat(reply.text("error")).isNotBlank();
        assertThat(reply.text("field")).as(reply.toString()).isEqualTo(field);
    }

    private static void assertTooLarge(Reply reply) {
        assertThat(reply.status()).as(reply.toString()).isEqualTo(413);
        assertThat(reply.isJson()).as(reply.toString()).isTrue();
        assertThat(reply.json()).isEqualTo(JSON.readTree(TOO_LARGE));
    }

    /** A well-formed job whose JSON is one byte over the limit. */
    private static byte[] oversizedJob() {
        String head = "{\"url\": \"https://api.example.com/big/" + unique() + "\", \"body\": \"";
        String tail = "\"}";
        int pad = LIMIT + 1 - head.length() - tail.length();
        byte[] body = (head + "a".repeat(pad) + tail).getBytes(StandardCharsets.UTF_8);
        assertThat(body.length).isEqualTo(LIMIT + 1);
        return body;
    }

    /** The body as a cold Flux of 64 KiB buffers (re-subscribable: fresh buffers each time). */
    private static Flux<DataBuffer> chunks(byte[] body) {
        int size = 64 * 1024;
        int count = (body.length + size - 1) / size;
        return Flux.range(0, count).map(i -> DefaultDataBufferFactory.sharedInstance
                .wrap(Arrays.copyOfRange(body, i * size, Math.min(body.length, (i + 1) * size))));
    }
}
