package io.ezthrottle.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import io.ezthrottle.testsupport.Await;
import io.ezthrottle.testsupport.HttpStub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import tools.jackson.databind.JsonNode;

/**
 * The worker's pacing and retry semantics, end to end with two worker replicas: pace learned from upstream
 * headers, the cluster-wide in-flight cap, no head-of-line blocking behind a backlog parked in Redis, and
 * retries done right (Retry-After for the whole destination, transport errors retried, other 4xx final).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PacingAndRetryIntegrationTests {

    private TestPlatform platform;
    private final HttpStub hooks = new HttpStub();

    @BeforeAll
    void start() {
        platform = new TestPlatform(2, "--ezthrottle.worker.lane-capacity=10", "--ezthrottle.worker.backoff-base=100ms");
        try (HttpStub warm = new HttpStub()) {
            for (int i = 0; i < 4; i++) {
                submit(warm.url("/w"), "{}");
            }
            Await.until(() -> hooks.count() >= 4, Duration.ofSeconds(20), () -> "warm-up");
        }
    }

    @AfterAll
    void stop() {
        platform.close();
        hooks.close();
    }

    @Test
    void paceLearnedFromUpstreamHeadersAppliesToEveryReplica() {
        try (HttpStub upstream = new HttpStub()) {
            upstream.respond(r -> new HttpStub.Response(200, Map.of("X-EZTHROTTLE-RPS", "10",
                    "X-EZTHROTTLE-MAX-CONCURRENT", "10"), "{}"));
            submit(upstream.url("/first"), "{}");
            upstream.awaitCount(1, Duration.ofSeconds(10));
            // Every replica sees the learned pace within a second (limits are re-read at least every half second).
            String destination = io.ezthrottle.core.throttle.Destination.of(upstream.url());
            long learnedAt = System.nanoTime();
            for (var worker : platform.workers()) {
                var cache = worker.getBean(io.ezthrottle.worker.pacing.LimitsCache.class);
                Await.until(() -> cache.get(destination).block().rps() == 10.0, Duration.ofSeconds(2), () -> "learned pace");
            }
            assertThat((System.nanoTime() - learnedAt) / 1_000_000).isLessThan(1000);
            long t0 = System.nanoTime();
            for (int i = 0; i < 20; i++) {
                submit(upstream.url("/n" + i), "{}");
            }
            List<HttpStub.Request> all = upstream.awaitCount(21, Duration.ofSeconds(20));
            double seconds = (all.get(20).arrivedNanos() - t0) / 1e9;
            // 20 jobs at the default 2/s would take ~10 s; at the learned 10/s about 2 s.
            assertThat(seconds).isLessThan(5.0);
            // The pace every replica keeps is 10/s: never more than one call over it in any second (the guarantee;
            // single gaps may shrink when a JVM pause delays one call and the next replica's slot comes on time).
            Arrivals paced = new Arrivals(all.subList(1, all.size()));
            assertThat(paced.maxInWindow(1000)).as(paced.describeBusiest(1000)).isLessThanOrEqualTo(11);
            assertThat(paced.minGapMillis()).as("no two calls together").isGreaterThanOrEqualTo(25);
        }
    }

    @Test
    void headerAliasesFollowProtocolPrecedence() {
        var signal = io.ezthrottle.core.throttle.PacingSignal.from(Map.of(
                "x-aqueduct-rps", "abc", "x-ezthrottle-rps", "5", "x-ezthrottle-max-concurrent", "3 please"));
        // The Aqueduct header wins even when unparsable: no rate learned; the alias max-concurrent still applies.
        assertThat(signal.rps()).isEmpty();
        assertThat(signal.maxConcurrent()).contains(3);
    }

    @Test
    void inFlightCapHoldsAcrossReplicas() {
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger peak = new AtomicInteger();
        try (HttpStub upstream = new HttpStub()) {
            upstream.respond(r -> {
                int now = inFlight.incrementAndGet();
                peak.accumulateAndGet(now, Math::max);
                java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(700).toNanos());
                inFlight.decrementAndGet();
                return new HttpStub.Response(200, Map.of("X-EZTHROTTLE-RPS", "50", "X-EZTHROTTLE-MAX-CONCURRENT", "1"), "{}");
            });
            submit(upstream.url("/learn"), "{}");
            upstream.awaitCount(1, Duration.ofSeconds(10));
            Await.until(() -> inFlight.get() == 0, Duration.ofSeconds(5), () -> "first call to end");
            peak.set(0);
            for (int i = 0; i < 6; i++) {
                submit(upstream.url("/c" + i), "{}");
            }
            upstream.awaitCount(7, Duration.ofSeconds(20));
            Await.until(() -> inFlight.get() == 0, Duration.ofSeconds(5), () -> "calls to end");
            assertThat(peak.get()).as("requests in flight at once").isEqualTo(1);
        }
    }

    @Test
    void backlogParkedInRedisNeverDelaysAnotherDomain() {
        try (HttpStub busy = new HttpStub(); HttpStub quiet = new HttpStub()) {
            // 60 jobs at 2/s: 30 s of backlog, far beyond the 10-job lanes, so most of it waits in Redis.
            for (int i = 0; i < 60; i++) {
                submit(busy.url("/b" + i), "{}");
            }
            busy.awaitCount(1, Duration.ofSeconds(10));
            long submitted = System.currentTimeMillis();
            submit(quiet.url("/q"), "{}");
            HttpStub.Request first = quiet.awaitCount(1, Duration.ofSeconds(10)).get(0);
            assertThat(first.arrivedMillis() - submitted).as("quiet domain dispatch delay ms").isLessThan(1000);
            assertThat(busy.count()).isLessThan(60);
            // The parked backlog keeps flowing back at the destination's pace.
            List<HttpStub.Request> more = busy.awaitCount(8, Duration.ofSeconds(15));
            assertThat(new Arrivals(more).minGapMillis()).isGreaterThanOrEqualTo(400);
        }
    }

    @Test
    void retryAfterPausesTheWholeDestinationThenSucceeds() {
        AtomicInteger calls = new AtomicInteger();
        try (HttpStub upstream = new HttpStub()) {
            upstream.respond(r -> calls.incrementAndGet() == 1
                    ? new HttpStub.Response(429, Map.of("Retry-After", "2"), "{\"error\":\"slow down\"}")
                    : HttpStub.Response.ok("{\"ok\":true}"));
            String first = submit(upstream.url("/limited"), "{}");
            upstream.awaitCount(1, Duration.ofSeconds(10));
            String other = submit(upstream.url("/other"), "{}");
            List<HttpStub.Request> all = upstream.awaitCount(3, Duration.ofSeconds(15));
            long pause = (all.get(1).arrivedMillis() - all.get(0).arrivedMillis());
            assertThat(pause).as("nothing reaches the destination during Retry-After").isGreaterThanOrEqualTo(1900);
            awaitState(first, "completed");
            awaitState(other, "completed");
            assertThat(job(first).path("attempts").asInt()).isEqualTo(2);
        }
    }

    @Test
    void otherClientErrorsFailAtOnce() {
        try (HttpStub upstream = new HttpStub()) {
            upstream.respond(r -> HttpStub.Response.status(404));
            String id = submit(upstream.url("/missing"), "{}");
            awaitState(id, "failed");
            assertThat(upstream.count()).isEqualTo(1);
            assertThat(job(id).path("status_code").asInt()).isEqualTo(404);
        }
    }

    @Test
    void serverErrorsAreRetriedWithBackoffUpToMaxRetries() {
        try (HttpStub upstream = new HttpStub()) {
            upstream.respond(r -> HttpStub.Response.status(502));
            String id = submit(upstream.url("/flaky"), "{\"retry_policy\": {\"max_retries\": 2}}");
            awaitState(id, "failed");
            assertThat(upstream.count()).as("one try plus two retries").isEqualTo(3);
        }
    }

    @Test
    void connectionErrorsAreRetriedAndTheReasonIsReported() {
        int closedPort = io.ezthrottle.testsupport.RedisTestServer.freePort();
        String id = submit("http://127.0.0.1:" + closedPort + "/nobody", "{\"retryPolicy\": {\"maxRetries\": 1}}");
        awaitState(id, "failed");
        JsonNode job = job(id);
        assertThat(job.path("attempts").asInt()).isEqualTo(2);
        assertThat(job.path("error").asString()).contains("connection");
    }

    private String submit(String url, String extra) {
        String body = """
                {"url": "%s", "idempotent_key": "pr-%s", "webhooks": [{"url": "%s/h"}]}
                """.formatted(url, UUID.randomUUID(), hooks.url());
        if (!extra.equals("{}")) {
            body = body.trim().substring(0, body.trim().length() - 1) + ", " + extra.substring(1);
        }
        var r = platform.post("/api/v1/jobs", body);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return platform.json(r).path("job_id").asString();
    }

    private JsonNode job(String id) {
        return platform.json(platform.get("/api/v1/jobs/" + id));
    }

    private void awaitState(String id, String state) {
        Await.until(() -> state.equals(job(id).path("status").asString()), Duration.ofSeconds(20),
                () -> "job " + id + " is " + job(id));
    }
}
