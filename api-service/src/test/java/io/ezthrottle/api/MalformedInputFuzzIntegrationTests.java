package io.ezthrottle.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * Bad input at volume: 10,000 generated requests, each invalid by construction ({@link MalformedPayloads}), sent
 * through the real HTTP stack by a reactive client with bounded concurrency. Every one must be refused with a 4xx
 * JSON error (inside the envelope for proxied calls), none may be a 5xx or be queued or counted, and the service
 * must be healthy and working afterwards. The seed is fixed so a failure reproduces; override it with
 * {@code -Dezthrottle.fuzz.seed=<n>} to explore.
 */
class MalformedInputFuzzIntegrationTests extends ApiIntegrationSupport {

    private static final long SEED = Long.getLong("ezthrottle.fuzz.seed", 20_261_125L);
    private static final int REQUESTS = 10_000;
    private static final int CONCURRENCY = 32;

    /** What came back for one case; {@code problem} is null when the reply is a proper refusal. */
    private record Outcome(MalformedPayloads.Case sent, int status, String problem) {
    }

    @Test
    void tenThousandMalformedRequestsAreRefusedWith4xxAndNothingIsQueued() {
        TestTenant tenant = newTenant();
        long intakeBefore = intakeSize();
        MalformedPayloads payloads = new MalformedPayloads(new Random(SEED));
        WebClient web = WebClient.builder().baseUrl("http://localhost:" + port)
                .codecs(c -> c.defaultCodecs().maxInMemorySize(4 * 1024 * 1024)).build();

        long start = System.nanoTime();
        List<Outcome> outcomes = Flux.range(0, REQUESTS)
                .map(i -> payloads.next())
                .flatMap(c -> send(web, tenant.apiKey(), c), CONCURRENCY)
                .collectList()
                .block(Duration.ofMinutes(5));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        Map<Integer, Long> byStatus = outcomes.stream()
                .collect(Collectors.groupingBy(Outcome::status, TreeMap::new, Collectors.counting()));
        System.out.printf("fuzz seed=%d requests=%d took=%s statuses=%s%n", SEED, outcomes.size(), took, byStatus);
        List<String> problems = outcomes.stream().filter(o -> o.problem() != null)
                .map(o -> o.problem() + " <- " + o.sent().preview()).limit(20).toList();

        assertThat(outcomes).hasSize(REQUESTS);
        assertThat(problems).as("seed %d, statuses %s", SEED, byStatus).isEmpty();
        assertThat(intakeSize()).as("nothing queued").isEqualTo(intakeBefore);
        assertThat(get("/api/v1/usage", tenant.apiKey()).json().get("used").asLong()).as("nothing counted").isZero();
        assertThat(get("/actuator/health", null).text("status")).isEqualTo("UP");
        Reply stillWorks = post("/api/v1/jobs", tenant.apiKey(), "{\"url\": \"https://api.example.com/after-fuzz\"}");
        assertThat(stillWorks.status()).as(stillWorks.toString()).isEqualTo(201);
    }

    private static Mono<Outcome> send(WebClient web, String apiKey, MalformedPayloads.Case c) {
        return web.post().uri(c.path())
                .headers(h -> {
                    h.setBearerAuth(apiKey);
                    if (c.contentType() != null) {
                        h.set(HttpHeaders.CONTENT_TYPE, c.contentType());
                    }
                    if (c.extraHeader() != null) {
                        h.set("X-Fuzz", c.extraHeader());
                    }
                    if (!c.chunked()) {
                        h.setContentLength(c.body().length);
                    }
                })
                // raw buffers: no codec adds a Content-Type of its own
                .body(BodyInserters.fromDataBuffers(Flux.defer(() ->
                        Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(c.body())))))
                .exchangeToMono(r -> r.bodyToMono(String.class).defaultIfEmpty("")
                        .map(raw -> new Outcome(c, r.statusCode().value(), judge(c, r.statusCode().value(), raw))))
                .onErrorResume(e -> Mono.just(new Outcome(c, -1, "no HTTP answer: " + e)));
    }

    /** Null when the reply is a proper refusal of this request, else what is wrong with it. */
    private static String judge(MalformedPayloads.Case c, int status, String raw) {
        if (status >= 500) {
            return "server error " + status + " " + raw;
        }
        if (c.extraHeader() != null) {
            // refused by the HTTP layer before any handler: any 4xx will do
            return status >= 400 && status < 500 ? null : "huge header got " + status;
        }
        JsonNode json = parse(raw);
        if (c.path().equals(MalformedPayloads.PROXY) && status == 200) {
            return judgeEnvelope(json);
        }
        return refusal(status, json, c.path().equals(MalformedPayloads.JOBS));
    }

    private static String judgeEnvelope(JsonNode json) {
        if (json == null || !"allowed".equals(json.path("status").asString())) {
            return "200 without an allowed envelope";
        }
        JsonNode forwarded = json.path("forwarded_response");
        String inner = refusal(forwarded.path("status_code").asInt(), parse(forwarded.path("body").asString()), false);
        return inner == null ? null : "inner " + inner;
    }

    private static String refusal(int status, JsonNode json, boolean fieldNamed) {
        if (status != 400 && status != 405 && status != 413 && status != 415) {
            return "not refused: " + status + " " + json;
        }
        if (json == null || json.path("error").asString("").isBlank()) {
            return status + " without a JSON error";
        }
        if (fieldNamed && status == 400 && json.path("field").asString("").isBlank()) {
            return "400 not naming the field: " + json;
        }
        return null;
    }
}
